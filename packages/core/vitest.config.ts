import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({ name: "core", include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] });
