export type { PingPolicyOptions } from "@falco-sdk/grpc-server";
export { SocketInUseError } from "@falco-sdk/grpc-server";
export type {
  AlertGenerator,
  AlertGeneratorOptions,
  EmitAtRateOptions,
} from "./alert-generator.js";
export { AlertGeneratorOptionsError, createAlertGenerator } from "./alert-generator.js";
export { CCoreProcessError, CCoreUnavailableError } from "./ccore-errors.js";
export type { CCoreFalcoServerOptions } from "./ccore-server.js";
export { startCCoreFalcoServer } from "./ccore-server.js";
export {
  FalcoTestServerError,
  InsecureListenError,
  ServerListenError,
  ServerStateError,
  ServerStopTimeoutError,
} from "./errors.js";
export type { PriorityName } from "./falco-output-format.js";
export {
  formatEventTime,
  NA,
  normalizeTags,
  PRIORITY_NAMES,
} from "./falco-output-format.js";
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
export type { FixtureContext, FixtureRule, Workload } from "./fixture-types.js";
export { buildFixtureAlert, FIXTURE_RULES } from "./fixtures.js";
export type { LauncherCommand, LauncherReply, LauncherSession } from "./launcher-session.js";
export { createLauncherSession } from "./launcher-session.js";
export type { NatsServerOptions, NatsTestCluster, NatsTestServer } from "./nats-server.js";
export {
  freeLoopbackPort,
  NatsServerUnavailableError,
  startNatsCluster,
  startNatsServer,
} from "./nats-server.js";
export type { FalcoTestServerOptions, NodeFalcoServer, ServerState } from "./node-server.js";
export { createFalcoTestServer } from "./node-server.js";
export type { TestPki, TestPkiFiles, TestPkiKeyAlgorithm, TestPkiOptions } from "./pki.js";
export { createTestPki, writeTestPki } from "./pki.js";
export type { Prng } from "./prng.js";
export { createPrng } from "./prng.js";
export type { ServerFactory } from "./server-factories.js";
export type { ClientTlsMaterial, TestTransport, TestTransportOptions } from "./test-transport.js";
export { createTestTransport } from "./test-transport.js";
export { DEFAULT_VERSION } from "./version-service.js";
