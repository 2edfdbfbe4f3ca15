// Logs go to stderr. On a terminal long steps show a progress bar; in CI, plain lines.
import cliProgress from "cli-progress";

const interactive = Boolean(process.stderr.isTTY) && !process.env.CI;
let quiet = false;

export function setQuiet(q: boolean): void {
  quiet = q;
}

export function info(message: string): void {
  if (!quiet) process.stderr.write(`${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(`警告 warning: ${message}\n`);
}

export interface Progress {
  tick(label?: string): void;
  done(): void;
}

/** A bar on a terminal; otherwise one line per tenth of the work, so CI logs stay short. */
export function progress(title: string, total: number): Progress {
  if (quiet || total === 0) return { tick() {}, done() {} };
  if (interactive) {
    const bar = new cliProgress.SingleBar(
      { format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { label: "" });
    return {
      tick(label = "") {
        bar.increment(1, { label });
      },
      done() {
        bar.stop();
      },
    };
  }
  let n = 0;
  let lastTenth = -1;
  return {
    tick(label = "") {
      n++;
      const tenth = Math.floor((n * 10) / total);
      if (tenth !== lastTenth || n === total) {
        lastTenth = tenth;
        info(`${title}: ${n}/${total} ${label}`);
      }
    },
    done() {},
  };
}
