// In Node (tests) the notebooks' statistics come from the pipeline's tested module; `guopei site`
// copies that same module next to research.ts for the browser.
export * from "../pipelines/lib/shared/stats.ts";
