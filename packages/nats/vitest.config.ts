import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "nats", testTimeout: 60_000, include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] },
});
