export type { Alert, AlertRaw, OutputFieldValue } from "./alert.js";
export { compileAlertFilter } from "./alert-filter.js";
export { alertFromResponse } from "./alert-from-response.js";
export {
  alertToJson,
  type FalcoAlertJson,
  formatAlertJson,
  parseAlertJson,
  tryParseAlertLine,
} from "./alert-json.js";
export type {
  AlertFilter,
  FalcoClientOptions,
  FalcoTlsOptions,
  GetOptions,
  ReconnectOptions,
  SubscribeOptions,
} from "./client-options.js";
export type { ClientStatus } from "./client-status.js";
export { DEFAULT_SOCKET_PATH, LEGACY_SOCKET_PATH } from "./endpoint.js";
export {
  AlertParseError,
  ConfigurationError,
  ConnectionError,
  FalcoError,
  NotFalcoServerError,
  SocketNotFoundError,
  SocketPermissionError,
  TlsError,
  type TlsFailure,
} from "./errors.js";
export { EventHub } from "./event-hub.js";
export { createFalcoClient, type FalcoClient } from "./falco-client.js";
export type { FalcoVersion } from "./falco-version.js";
export {
  comparePriority,
  isAtLeast,
  PRIORITIES,
  type Priority,
  parsePriority,
  priorityLevel,
} from "./priority.js";
export type { AlertSubscription } from "./subscription.js";
export type { PemSource } from "./tls-material.js";
