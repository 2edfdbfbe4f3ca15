// Run before every test file: what the file's tests made in the temp folder goes when it ends
// (GUOPEI_KEEP_TMP=1 keeps it, to look into a failure).
import { afterAll } from "vitest";
import { removeTmpDirs } from "./helpers.ts";

afterAll(removeTmpDirs);
