import { prepareInputs } from "../pipelines/ingest/prepare.ts";
import { setQuiet } from "../pipelines/lib/log.ts";
setQuiet(true);
const t = Date.now();
const o = await prepareInputs("/tmp/lb/inc", "/tmp/lb/scanwork", 4);
console.log("prepare", Date.now() - t, "ms", o.length);
