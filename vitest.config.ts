import { defineConfig } from "vitest/config";

// Two projects: `quick` (formulas, models on hand-built data, declarations, layers: seconds, for the
// inner loop: npm run test:quick) and `e2e` (*.e2e.test.ts: the CLI, whole runs, the site in
// Chromium, crashes, real data). `npm test` and CI run both.
// Two cores: two test files at a time; real DuckDB runs and browsers need generous timeouts.
const common = { testTimeout: 60_000, hookTimeout: 120_000, pool: "forks" as const, poolOptions: { forks: { maxForks: 2, minForks: 1 } } };

export default defineConfig({
  test: {
    projects: [
      { test: { name: "quick", include: ["test/**/*.test.ts"], exclude: ["test/**/*.e2e.test.ts"], ...common } },
      { test: { name: "e2e", include: ["test/**/*.e2e.test.ts"], ...common } },
    ],
  },
});
