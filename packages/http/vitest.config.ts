import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "http", testTimeout: 30_000, include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] },
});
