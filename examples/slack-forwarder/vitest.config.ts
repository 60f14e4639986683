import { falcoProject } from "../../vitest.shared.js";

export default falcoProject({ name: "example-slack-forwarder", include: ["*.spec.ts"] });
