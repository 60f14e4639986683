/**
 * Falco's gRPC API: the generated types, one namespace per proto package, and
 * the one conversion between its messages and the SDK's model.
 *
 * `falco.outputs` and `falco.version` both define `request`, `response` and
 * `service`, so they are reachable as `outputs.*` and `version.*` here, or
 * directly from the subpaths `@falco-sdk/proto/outputs`,
 * `@falco-sdk/proto/version` and `@falco-sdk/proto/schema`.
 *
 * `alertFromResponse()` / `responseFromAlert()` turn a `falco.outputs.response`
 * into an `Alert` of `@falco-sdk/core` and back; `falcoVersionFromResponse()`
 * reads a `falco.version.response`; `decodeResponse()` decodes an alert's bytes.
 *
 * @packageDocumentation
 */
import * as outputs from "./gen/falco/outputs_pb.js";
import * as schema from "./gen/falco/schema_pb.js";
import * as version from "./gen/falco/version_pb.js";

export {
  type AlertInit,
  alertFromResponse,
  alertResponse,
  NA,
  nsFromTimestamp,
  responseFromAlert,
  timestampFromNs,
} from "./alert-wire.js";
export { decodeResponse } from "./response-decoder.js";
export {
  type FalcoVersion,
  falcoVersionFromResponse,
  type VersionFields,
  type VersionInit,
  versionFields,
  versionResponse,
} from "./version-wire.js";
export {
  deprecatedSource,
  priorityFromWire,
  priorityToWire,
  sourceFromWire,
} from "./wire-enums.js";
export { outputs, schema, version };
