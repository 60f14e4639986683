/**
 * Generated types for Falco's gRPC API, one namespace per proto package.
 *
 * `falco.outputs` and `falco.version` both define `request`, `response` and
 * `service`, so they are reachable as `outputs.*` and `version.*` here, or
 * directly from the subpaths `@falco-sdk/proto/outputs`,
 * `@falco-sdk/proto/version` and `@falco-sdk/proto/schema`.
 */
import * as outputs from "./gen/falco/outputs_pb.js";
import * as schema from "./gen/falco/schema_pb.js";
import * as version from "./gen/falco/version_pb.js";

export { outputs, schema, version };
