import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "example-prometheus-exporter", include: ["*.spec.ts"] },
});
