import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "proto", include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] },
});
