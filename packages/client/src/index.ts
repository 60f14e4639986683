// The Alert model, its parsers, priorities, filters, the error base class and EventHub live
// in @falco-sdk/core since 0.2; they are re-exported here so code written against
// @falco-sdk/client keeps compiling unchanged.
export {
  type Alert,
  type AlertFilter,
  AlertParseError,
  type AlertRaw,
  type AlertSubscription,
  AlreadyIteratedError,
  alertToJson,
  ConfigurationError,
  comparePriority,
  compileAlertFilter,
  EventHub,
  type FalcoAlertJson,
  FalcoError,
  type FalcoErrorCode,
  formatAlertJson,
  isAtLeast,
  mergeAlerts,
  type OutputFieldValue,
  PRIORITIES,
  type Priority,
  parseAlertJson,
  parsePriority,
  priorityLevel,
  type SubscriptionClosedEvent,
  type SubscriptionEnd,
  tryParseAlertLine,
} from "@falco-sdk/core";
export { alertFromResponse } from "./alert-from-response.js";
export type {
  FalcoClientOptions,
  FalcoTlsOptions,
  GetOptions,
  ReconnectOptions,
  SubscribeOptions,
} from "./client-options.js";
export type { ClientStatus, FalcoSubscriptionStatus } from "./client-status.js";
export {
  DEFAULT_SOCKET_PATH,
  type EndpointAddress,
  LEGACY_SOCKET_PATH,
  parseEndpointAddress,
} from "./endpoint.js";
export {
  ConnectionError,
  NotFalcoServerError,
  SocketNotFoundError,
  SocketPermissionError,
  SubscriptionStarvedError,
  TlsError,
  type TlsFailure,
} from "./errors.js";
export { createFalcoClient, type FalcoClient } from "./falco-client.js";
export type { FalcoVersion } from "./falco-version.js";
export type { FalcoSubscription } from "./subscription.js";
export type { PemSource } from "./tls-material.js";
