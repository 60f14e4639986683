import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// `pnpm test:all` runs every package's tests in one vitest run (one summary),
// and the repository scripts' own tests.
export default defineConfig({
  test: {
    // Most test files wait on child processes, servers and browsers rather than use a core:
    // vitest's default (cores - 1) runs them one at a time on a 2-core machine (9 min of CI).
    maxWorkers: Math.max(3, availableParallelism()),
    projects: [
      "packages/*",
      "examples/*",
      { test: { name: "scripts", include: ["scripts/**/*.spec.ts"], testTimeout: 60_000 } },
    ],
  },
});
