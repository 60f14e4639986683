import { defineConfig } from "vitest/config";

// `pnpm test:all` runs every package's tests in one vitest run (one summary),
// and the repository scripts' own tests.
export default defineConfig({
  test: {
    projects: [
      "packages/*",
      "examples/*",
      { test: { name: "scripts", include: ["scripts/**/*.spec.ts"], testTimeout: 60_000 } },
    ],
  },
});
