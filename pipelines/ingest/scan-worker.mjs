// A worker thread of ScanPool (scan.ts): scans the files it is sent, one message back per file.
// Plain JavaScript that registers the TypeScript loader itself: a thread does not inherit a loader
// registered by code, as bin/guopei.mjs does.
import { parentPort } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
const { scan } = await import("./scan.ts");
parentPort.on("message", ({ id, file }) => {
  scan(file).then(
    (facts) => parentPort.postMessage({ id, facts }),
    (e) => parentPort.postMessage({ id, error: e instanceof Error ? e.message : String(e) }),
  );
});
