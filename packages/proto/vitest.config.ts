import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({ name: "proto", include: ["src/**/*.spec.ts", "test/**/*.spec.ts"] });
