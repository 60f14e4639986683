import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({
  name: "ui",
  testTimeout: 60_000,
  hookTimeout: 60_000,
  include: ["src/**/*.spec.ts", "web/src/**/*.spec.ts", "test/**/*.spec.ts"],
});
