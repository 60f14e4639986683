import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "http", include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] },
});
