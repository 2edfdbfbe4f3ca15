import { defineConfig } from "vitest/config";

// Two projects: `quick` (formulas, models on hand-built data, declarations, layers: seconds, for the
// inner loop: npm run test:quick) and `e2e` (*.e2e.test.ts: the CLI, whole runs, the site in
// Chromium, crashes, real data). `npm test` and CI run both.
// Two cores: two test files at a time; real DuckDB runs and browsers need generous timeouts.
const timeouts = { testTimeout: 60_000, hookTimeout: 120_000 };
// Every file's temporary folders are removed when it ends (test/setup.ts).
const setupFiles = ["test/setup.ts"];

export default defineConfig({
  test: {
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { test: { name: "quick", include: ["test/**/*.test.ts"], exclude: ["test/**/*.e2e.test.ts"], ...timeouts, setupFiles } },
      { test: { name: "e2e", include: ["test/**/*.e2e.test.ts"], ...timeouts, setupFiles } },
    ],
  },
});
