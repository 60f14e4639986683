import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({ name: "example-prometheus-exporter", include: ["*.spec.ts"] });
