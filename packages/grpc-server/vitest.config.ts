import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({ name: "grpc-server", include: ["src/**/*.spec.ts"] });
