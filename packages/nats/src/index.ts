export { alertMessageId } from "./alert-id.js";
export type { NatsConnectionOptions, NatsTlsOptions, PemInput } from "./connection-options.js";
export type {
  FleetFilter,
  FleetStart,
  SubscribeFleetOptions,
} from "./fleet-options.js";
export type { FleetStatus } from "./fleet-status.js";
export { type FleetSubscription, subscribeFleet } from "./fleet-subscription.js";
export { createNatsForwarder, type NatsForwarder } from "./forwarder.js";
export type { ForwarderSpoolOptions, NatsForwarderOptions } from "./forwarder-options.js";
export type { ForwarderStats, ForwarderStatus } from "./forwarder-status.js";
export {
  AlertTooLargeError,
  NatsAuthError,
  NatsConnectionError,
  NatsStreamError,
  NatsTlsError,
} from "./nats-errors.js";
export { NatsSpoolError, SpoolLockedError } from "./spool-errors.js";
export { DEFAULT_STREAM, type StreamOptions } from "./stream.js";
export { DEFAULT_SUBJECT_PREFIX } from "./subject.js";
