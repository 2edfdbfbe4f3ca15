#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so `npx guopei` works without a build step.
import { register } from "tsx/esm/api";

register();
await import("../pipelines/cli.ts");
