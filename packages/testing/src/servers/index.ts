/**
 * `@falco-sdk/testing/servers`: Falco-compatible gRPC outputs and version servers for tests,
 * one on Node (`createFalcoTestServer`) and one on gRPC's C core (`startCCoreFalcoServer`),
 * with Falco's queue, stop and reload semantics, and a client transport for them.
 *
 * @packageDocumentation
 */
export type { PingPolicyOptions } from "@falco-sdk/grpc-server";
export { SocketInUseError } from "@falco-sdk/grpc-server";
export type { TestingErrorCode } from "../errors.js";
export {
  FalcoTestServerError,
  InsecureListenError,
  ServerListenError,
  ServerStateError,
  ServerStopTimeoutError,
} from "../errors.js";
export { CCoreProcessError, CCoreUnavailableError } from "./ccore-errors.js";
export type { CCoreFalcoServerOptions } from "./ccore-server.js";
export { startCCoreFalcoServer } from "./ccore-server.js";
export type {
  AlertInit,
  FalcoServer,
  ListenOptions,
  PlaintextListenOptions,
  ServerStats,
  StopOptions,
  TlsListenOptions,
  TlsMaterial,
  UnixListenOptions,
  VersionInit,
} from "./falco-server.js";
export type { FalcoTestServerOptions, NodeFalcoServer, ServerState } from "./node-server.js";
export { createFalcoTestServer } from "./node-server.js";
export type { ClientTlsMaterial, TestTransport, TestTransportOptions } from "./test-transport.js";
export { createTestTransport } from "./test-transport.js";
export { DEFAULT_VERSION } from "./version-service.js";
