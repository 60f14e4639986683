import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({
  name: "relay",
  testTimeout: 20_000,
  include: ["src/**/*.spec.ts", "test/**/*.spec.ts"],
});
