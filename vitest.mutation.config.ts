import { defineConfig } from "vitest/config";

// The quick tests alone, for mutation testing (stryker.config.json): each mutant is judged by the
// tests that run in seconds; the end-to-end files stay with npm test.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
