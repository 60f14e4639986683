import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({
  name: "testing",
  include: ["src/**/*.spec.ts", "test/**/*.spec.ts"],
});
