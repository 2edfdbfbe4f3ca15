// Real-browser helpers for the tests: the pipeline's own (a static server on loopback, Debian's Chromium).
export { launch, serve } from "../pipelines/lib/browser.ts";
