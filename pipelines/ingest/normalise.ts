// The careful path for CSV files DuckDB would misread or misnumber: GB18030 text (decoded, one
// encoding per file, checked line by line), blank lines, and line breaks inside quoted cells. The
// file is rewritten as UTF-8 with a `__line` column holding each record's row as a spreadsheet shows
// it (the header is row 1; a cell with line breaks is still one row); a blank line is a row too, an
// empty record (rejected as `empty_row`), so that rows read =
// loaded + rejected still counts every line a user sees. Files without these traits skip it.
import { isUtf8 } from "node:buffer";
import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { dsvFormat } from "d3-dsv";
import iconv from "iconv-lite";

export class EncodingMixed extends Error {}

/** What a streaming look at the bytes says about a CSV's lines (fed chunk by chunk). */
export class LineShape {
  blankLine = false;
  quotedNewline = false;
  /**
   * First NUL byte: its offset in the file, or -1 when there is none. (Its line is counted only when
   * there is one, by nulLine: counting every line of every file cost a national load seconds.)
   */
  nulOffset = -1;
  private inQuote = false;
  /** Nothing but carriage returns since the last line break outside quotes (or the file's start). */
  private atLineStart = true;
  private offset = 0;

  push(chunk: Buffer): void {
    // (A file that starts with a line break or a carriage return starts with a blank line, for this test.)
    if (this.offset === 0 && (chunk[0] === 0x0a || chunk[0] === 0x0d)) this.blankLine = true;
    const hasQuote = chunk.includes(0x22);
    const hasNul = this.nulOffset < 0 && chunk.includes(0);
    // (A blank line of several carriage returns is left to the loop below: rare, and exact there.)
    const hasCR = chunk.includes(0x0d);
    if (!hasQuote && !hasNul && !this.inQuote && !(hasCR && chunk.includes("\n\r\r"))) {
      // The common case, with native searches only. A blank line (nothing but carriage returns
      // between two line breaks) that starts in this chunk: "\n\n" or "\n\r\n" (the second search
      // only where the chunk has a carriage return). One that started before it (or at the file's
      // start): the line was still empty at the chunk's start, and its first byte that is not a
      // carriage return is a line break.
      if (chunk.includes("\n\n") || (hasCR && chunk.includes("\n\r\n"))) this.blankLine = true;
      let first = 0;
      while (first < chunk.length && chunk[first] === 0x0d) first++;
      if (this.atLineStart && first < chunk.length && chunk[first] === 0x0a) this.blankLine = true;
      // Still at a line's start at the chunk's end: its last byte that is not a carriage return is
      // a line break (or the chunk is carriage returns alone, and the state carries on).
      let last = chunk.length - 1;
      while (last >= 0 && chunk[last] === 0x0d) last--;
      if (last >= 0) this.atLineStart = chunk[last] === 0x0a;
      this.offset += chunk.length;
      return;
    }
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === 0 && this.nulOffset < 0) this.nulOffset = this.offset + i;
      if (b === 0x22) this.inQuote = !this.inQuote;
      if (b === 0x0a) {
        if (this.inQuote) this.quotedNewline = true;
        else if (this.atLineStart) this.blankLine = true;
        this.atLineStart = true;
      } else if (b !== 0x0d) this.atLineStart = false;
    }
    this.offset += chunk.length;
  }

  /** What was found, without the parser's state (kept for the next run: prepare.ts, ScanFacts). */
  facts(): ShapeFacts {
    return { blankLine: this.blankLine, quotedNewline: this.quotedNewline, nulOffset: this.nulOffset };
  }
}

export interface ShapeFacts {
  blankLine: boolean;
  quotedNewline: boolean;
  nulOffset: number;
}

/** Lines DuckDB's native reader would skip or misnumber: the file takes the careful path. */
export const needsCareful = (shape: ShapeFacts): boolean => shape.blankLine || shape.quotedNewline;

/** The line (1-based) of byte `offset` of a file: its line breaks before it, counted. */
export async function lineOfOffset(file: string, offset: number): Promise<number> {
  let line = 1;
  let at = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, end: Math.max(0, offset - 1) }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(0x0a); i >= 0 && at + i < offset; i = chunk.indexOf(0x0a, i + 1)) line++;
    at += chunk.length;
  }
  return line;
}

/**
 * A line of a Chinese export that is really UTF-8: valid UTF-8 whose non-ASCII characters are all
 * CJK or CJK/full-width punctuation. GB18030 bytes can form valid UTF-8 by chance, but then decode to
 * Latin, Greek or Cyrillic letters, which no Chinese export holds.
 */
export function readsAsChineseUtf8(bytes: Buffer): boolean {
  if (!isUtf8(bytes)) return false;
  return /^[\u0000-\u007f\u00b7\u2000-\u206f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]*$/.test(bytes.toString("utf8"));
}

/** One record of input data in RFC 4180 form, otherwise unaltered (input is copied, never defused). */
export function plainRecord(values: (string | number | null)[], delim = ","): string {
  return `${values.map((v) => (v === null ? "" : typeof v === "string" && (v.includes(delim) || /["\r\n]/.test(v)) ? `"${v.replaceAll('"', '""')}"` : String(v))).join(delim)}\n`;
}

/**
 * Rewrite `src` as UTF-8 at `dst` with the `__line` column. `gb18030`: lines are decoded one by one,
 * and a file whose lines are partly UTF-8 and partly GB18030 is refused with the lines where each shows.
 */
export async function normaliseCsv(src: string, dst: string, opts: { gb18030: boolean; delim: string }): Promise<void> {
  const parser = dsvFormat(opts.delim);
  const out = createWriteStream(dst, { encoding: "utf8" });
  let width = 0;
  let pending = "";
  let row = 0;
  let lineNo = 0;
  let firstUtf8 = 0;
  let firstGb = 0;
  let carry = Buffer.alloc(0);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, "drain");
  };
  const decode = (bytes: Buffer): string => {
    if (lineNo === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    if (!opts.gb18030) return bytes.toString("utf8");
    if (bytes.some((b) => b >= 0x80)) {
      if (readsAsChineseUtf8(bytes)) firstUtf8 ||= lineNo;
      else firstGb ||= lineNo;
      if (firstUtf8 && firstGb) {
        throw new EncodingMixed(`mixed encodings: line ${firstUtf8} is UTF-8 but line ${firstGb} is GB18030 — save the file in one encoding and deliver it again`);
      }
      return firstUtf8 ? bytes.toString("utf8") : iconv.decode(bytes, "gb18030");
    }
    return bytes.toString("latin1");
  };
  const physicalLine = async (bytes: Buffer) => {
    lineNo++;
    const text = decode(bytes).replace(/\r$/, "");
    const continued = pending !== "";
    pending = continued ? `${pending}\n${text}` : text;
    // A record ends where its quotes are balanced.
    if ((pending.match(/"/g)?.length ?? 0) % 2 === 1) return;
    const rec = pending;
    pending = "";
    row++;
    if (width === 0) {
      // Blank lines before the header are rows a spreadsheet shows, but not the header.
      if (rec.trim() === "") return;
      const header = parser.parseRows(rec)[0] ?? [];
      width = header.length;
      // `__line` first: a title row above the header (one cell wide) must not shift it.
      await write(plainRecord(["__line", ...header], opts.delim));
      return;
    }
    const fields = rec === "" ? [] : (parser.parseRows(rec)[0] ?? []);
    const padded = Array.from({ length: Math.max(width, fields.length) }, (_, i) => fields[i] ?? "");
    await write(plainRecord([row, ...padded], opts.delim));
  };
  try {
    for await (const chunk of createReadStream(src, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      let data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let at = data.indexOf(0x0a);
      while (at >= 0) {
        await physicalLine(data.subarray(0, at));
        data = data.subarray(at + 1);
        at = data.indexOf(0x0a);
      }
      carry = Buffer.from(data);
    }
    if (carry.length) await physicalLine(carry);
    if (pending) {
      // An unclosed quote at the end: the rest is one record, as a spreadsheet would show it.
      const fields = parser.parseRows(`${pending}"`)[0] ?? [];
      await write(plainRecord([row + 1, ...Array.from({ length: Math.max(width, fields.length) }, (_, i) => fields[i] ?? "")], opts.delim));
    }
  } finally {
    out.end();
    await once(out, "close");
  }
}
