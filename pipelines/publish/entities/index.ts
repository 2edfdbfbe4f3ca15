// Every entity the pipeline publishes, in the order their files are written.
import type { Entity } from "../entity.ts";
import { comments } from "./comments.ts";
import { counties } from "./counties.ts";
import { hours } from "./hours.ts";
import { inputs } from "./inputs.ts";
import { institutions } from "./institutions.ts";
import { overview } from "./overview.ts";
import { projects } from "./projects.ts";
import { quality } from "./quality.ts";
import { responses } from "./responses.ts";
import { warnings } from "./warnings.ts";

export const ENTITIES: Record<string, Entity> = { overview, projects, institutions, counties, hours, quality, comments, responses, warnings, inputs };
