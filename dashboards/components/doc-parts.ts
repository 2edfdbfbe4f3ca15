// In Node (tests, type checks) this re-exports the shared module; `guopei site` puts that same module
// here for the browser (Framework serves nothing from outside its root).
export * from "../../pipelines/lib/shared/doc-parts.ts";
