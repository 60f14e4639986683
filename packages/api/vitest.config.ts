import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({
  name: "api",
  testTimeout: 120_000,
  include: ["src/**/*.spec.ts"],
});
