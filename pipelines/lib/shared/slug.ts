// Institution ids become page paths: an id of letters, digits, `-` and `_` is its own path; any
// other (Chinese, spaces, `/`, `%` …) is written as `x_` and the hex of its UTF-8 bytes, which every
// file system and web server keeps as it is, and which the page turns back into the id.
const PLAIN = /^[A-Za-z0-9_-]{1,64}$/;

export function idSlug(id: string): string {
  if (PLAIN.test(id) && !id.startsWith("x_")) return id;
  return `x_${[...new TextEncoder().encode(id)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function idFromSlug(slug: string): string {
  if (!slug.startsWith("x_")) return slug;
  const bytes = slug.slice(2).match(/[0-9a-f]{2}/g) ?? [];
  return new TextDecoder().decode(Uint8Array.from(bytes.map((h) => Number.parseInt(h, 16))));
}
