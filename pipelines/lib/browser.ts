// A static server on loopback and the machine's own Chromium (driven by playwright-core), for the
// printed reports and the browser tests. Nothing is downloaded: a browser must be installed.
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { Browser } from "playwright-core";

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml", ".wasm": "application/wasm", ".csv": "text/csv; charset=utf-8" };

export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    // As static hosts do (nginx `try_files $uri.html $uri/`): /projects is projects.html even
    // though a folder projects/ (its sub-pages) sits beside it.
    const isFile = (f: string) => stat(f).then((s) => s.isFile(), () => false);
    if (!(await isFile(file))) file = !path.extname(file) && (await isFile(`${file}.html`)) ? `${file}.html` : path.join(file, "index.html");
    try {
      await stat(file);
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

/** Where Chromium, Chrome or Edge usually live on Linux, Windows and macOS. */
const CANDIDATES = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/microsoft-edge",
  "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
  "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
  "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe",
  "C:\\Program Files\\Microsoft\\Edge\\Application\\msedge.exe",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
];

export class NoBrowserError extends Error {}

export function findBrowser(): string {
  const found = [process.env.CHROMIUM, ...CANDIDATES].find((c) => c && existsSync(c));
  if (!found) {
    throw new NoBrowserError(
      "no Chromium, Chrome or Edge found to print PDFs with: install one (Debian: apt-get install chromium fonts-noto-cjk) or set CHROMIUM to its path",
    );
  }
  return found;
}

export async function launch(): Promise<Browser> {
  // (playwright-core loaded when a browser is launched: 0.3 s at every start of the command otherwise.)
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: findBrowser(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
  });
}
