// The first pass over an input file (step 1 of the load): its sha256, whether it is UTF-8 or ASCII,
// and its line shape, in one streaming read. A national folder is gigabytes: the scans run on worker
// threads (ScanPool), one core each, while the main thread prepares what they found.
import { isAscii, isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { LineShape, type ShapeFacts } from "./normalise.ts";

/** What the scan of a file found (the line shape's facts, not its parser's state): stored for the next run. */
export interface ScanFacts {
  sha256: string;
  bytes: number;
  validUtf8: boolean;
  ascii: boolean;
  /** A tab byte somewhere (header included): without one, no cell is tested for tabs (validate.ts). */
  tabs: boolean;
  bom: boolean;
  binary: boolean;
  shape: ShapeFacts;
}

/** One streaming pass: sha256, UTF-8 validity and a NUL-byte check (a binary file is not a CSV). */
export async function scan(abs: string): Promise<ScanFacts> {
  const hash = createHash("sha256");
  let bytes = 0;
  let bom = false;
  let binary = false;
  let ascii = true;
  let tabs = false;
  const utf8 = new Utf8Check();
  const shape = new LineShape();
  for await (const chunk of createReadStream(abs, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    if (bytes === 0) bom = chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
    if (bytes < 65536 && chunk.subarray(0, 65536 - bytes).includes(0)) binary = true;
    utf8.push(chunk);
    // The header (Chinese names, often) is not a cell: the test starts after the first line break,
    // which is where the header ends or before it (a quoted break inside the header).
    if (ascii) ascii = isAscii(bytes === 0 && chunk.indexOf(0x0a) >= 0 ? chunk.subarray(chunk.indexOf(0x0a)) : chunk);
    if (!tabs) tabs = chunk.includes(0x09);
    shape.push(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest("hex"), bytes, validUtf8: utf8.end(), ascii, tabs, bom, binary, shape: shape.facts() };
}

/** Streaming UTF-8 validation by Node's native check, chunk by chunk: no text is decoded. */
export class Utf8Check {
  private valid = true;
  // Bytes of a character cut by a chunk's end, checked with the next chunk.
  private carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    if (!this.valid) return;
    const data = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = completeUtf8Prefix(data);
    this.valid = isUtf8(data.subarray(0, cut));
    this.carry = Buffer.from(data.subarray(cut));
  }

  end(): boolean {
    return this.valid && this.carry.length === 0;
  }
}

/** Length of `b` without a multi-byte character its end cuts short (at most 3 bytes held back). */
function completeUtf8Prefix(b: Buffer): number {
  for (let back = 1; back <= Math.min(3, b.length); back++) {
    const byte = b[b.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? b.length - back : b.length;
  }
  return b.length;
}

/** A file at least this large is scanned on a worker thread (below it, the message costs more than the scan). */
const ON_A_WORKER = 8 << 20;

/** A worker thread that stopped (or could not start): its scans are made on this thread instead. */
class WorkerLost extends Error {}

/**
 * Scans on worker threads, as many as there are cores (at most `most`), started with the first large
 * file: sha256 alone runs at about 1.5 GB/s on one core, and a national folder is 3.4 GB. A scan that
 * fails fails with its reason (a file that cannot be read); a worker that stops has its scans made
 * on this thread. `close` ends the workers.
 */
export class ScanPool {
  private workers: { worker: Worker; busy: number }[] = [];
  private pending = new Map<number, { resolve: (f: ScanFacts) => void; reject: (e: Error) => void; worker: Worker }>();
  private next = 0;
  /** A worker stopped unasked: the scans after it are made on this thread. */
  private lost = false;

  constructor(private readonly most: number) {}

  /** The scan of `abs` (of `bytes` bytes): on a worker when it is large. */
  scan(abs: string, bytes: number): Promise<ScanFacts> {
    if (bytes < ON_A_WORKER || this.most < 1 || this.lost) return scan(abs);
    const slot = this.slot();
    const id = this.next++;
    slot.busy++;
    return new Promise<ScanFacts>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, worker: slot.worker });
      slot.worker.postMessage({ id, file: abs });
    })
      .finally(() => slot.busy--)
      .catch((e: unknown) => (e instanceof WorkerLost ? scan(abs) : Promise.reject(e)));
  }

  async close(): Promise<void> {
    const workers = this.workers.map((w) => w.worker);
    this.workers = [];
    this.lost = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** The least busy worker, or a new one while there are fewer than the cores. */
  private slot(): { worker: Worker; busy: number } {
    const idle = this.workers.reduce<{ worker: Worker; busy: number } | undefined>((a, w) => (!a || w.busy < a.busy ? w : a), undefined);
    if (idle && (idle.busy === 0 || this.workers.length >= Math.min(this.most, availableParallelism()))) return idle;
    const worker = new Worker(new URL("./scan-worker.mjs", import.meta.url));
    const fail = (e: Error) => {
      for (const [id, p] of this.pending) {
        if (p.worker !== worker) continue;
        this.pending.delete(id);
        p.reject(e);
      }
    };
    worker.on("message", (m: { id: number; facts?: ScanFacts; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.facts) p.resolve(m.facts);
      else p.reject(new Error(m.error ?? "the scan failed"));
    });
    worker.on("error", (e) => fail(new WorkerLost(e.message)));
    worker.on("exit", (code) => {
      this.lost = true;
      fail(new WorkerLost(`the scanning thread stopped (exit code ${code})`));
      this.workers = this.workers.filter((w) => w.worker !== worker);
    });
    const slot = { worker, busy: 0 };
    this.workers.push(slot);
    return slot;
  }
}
