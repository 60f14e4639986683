import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({
  name: "api-client",
  testTimeout: 30_000,
  include: ["src/**/*.spec.ts", "test/**/*.spec.ts"],
});
