/**
 * `@falco-sdk/testing/nats`: starts Debian's `nats-server` (one server, or a JetStream
 * cluster) on free loopback ports for tests, and stops it.
 *
 * @packageDocumentation
 */
export type { TestingErrorCode } from "../errors.js";
export { FalcoTestServerError } from "../errors.js";
export type { NatsServerOptions, NatsTestCluster, NatsTestServer } from "./nats-server.js";
export {
  freeLoopbackPort,
  NatsServerUnavailableError,
  startNatsCluster,
  startNatsServer,
} from "./nats-server.js";
