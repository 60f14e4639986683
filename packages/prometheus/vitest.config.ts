import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "prometheus", testTimeout: 120_000, include: ["src/**/*.spec.ts"] },
});
