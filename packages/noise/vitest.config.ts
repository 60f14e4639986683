import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({ name: "noise", include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] });
