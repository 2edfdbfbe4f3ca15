// The first pass's look at a CSV's lines (ingest/normalise.ts, LineShape), fed chunk by chunk as a
// file is read: whatever the chunks, it must find what one reading of the whole file finds. A blank
// line missed sends the file to DuckDB's native reader, which skips it and numbers every row after
// it one line off.
import fc from "fast-check";
import { expect, it } from "vitest";
import { LineShape } from "../../pipelines/ingest/normalise.ts";

/**
 * The rules, read once over the whole file: a double quote opens or closes a quoted cell; a line
 * break inside one is a quoted line break; a line (outside quotes) holding nothing but carriage
 * returns is blank, and so is a file's first line when the file starts with a line break or a
 * carriage return; the first NUL byte's offset.
 */
function reference(bytes: Buffer): { blankLine: boolean; quotedNewline: boolean; nulOffset: number } {
  let inQuote = false;
  let lineStart = 0;
  let blankLine = bytes.length > 0 && (bytes[0] === 0x0a || bytes[0] === 0x0d);
  let quotedNewline = false;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x22) inQuote = !inQuote;
    if (bytes[i] !== 0x0a) continue;
    if (inQuote) quotedNewline = true;
    else {
      if (bytes.subarray(lineStart, i).every((b) => b === 0x0d)) blankLine = true;
      lineStart = i + 1;
    }
  }
  return { blankLine, quotedNewline, nulOffset: bytes.indexOf(0) };
}

const shapeOf = (chunks: Buffer[]) => {
  const s = new LineShape();
  for (const c of chunks) s.push(c);
  return s.facts();
};

/** The bytes cut at the given points (sorted, deduplicated, within the bytes). */
const cut = (bytes: Buffer, points: number[]) => {
  const at = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...at].map((p, i) => bytes.subarray(p, at[i] ?? bytes.length));
};

it("finds in chunks what one reading of the whole file finds: blank lines, quoted line breaks, the first NUL", () => {
  const byte = fc.constantFrom(0x61, 0x2c, 0x22, 0x0a, 0x0d, 0x0d, 0x0a, 0x61, 0x00);
  fc.assert(
    fc.property(fc.array(byte, { maxLength: 40 }), fc.array(fc.nat(60), { maxLength: 8 }), (values, points) => {
      const bytes = Buffer.from(values);
      expect(shapeOf(cut(bytes, points))).toEqual(reference(bytes));
    }),
    { numRuns: 20_000 },
  );
});

it("finds a blank line cut between its carriage return and its line break, and one of several carriage returns", () => {
  // CRLF lines, the blank one cut after its carriage return (where a chunk of 1 MiB may end).
  expect(shapeOf([Buffer.from("a,b\r\n1,2\r\n\r"), Buffer.from("\n3,4\r\n")]).blankLine).toBe(true);
  expect(shapeOf([Buffer.from("a,b\r\n1,2\r\n"), Buffer.from("\r"), Buffer.from("\r\n3,4\r\n")]).blankLine).toBe(true);
  expect(shapeOf([Buffer.from("a,b\n1,2\n\r\r\n3,4\n")]).blankLine).toBe(true);
  // No blank line: a carriage return ends each line, nothing stands alone.
  expect(shapeOf([Buffer.from("a,b\r\n1,2\r"), Buffer.from("\n3,4\r\n")]).blankLine).toBe(false);
});
