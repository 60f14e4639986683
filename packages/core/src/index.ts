/** @deprecated Import it from "@falco-sdk/core/internal" (not public API). */
export { linkedAbortController } from "./abort.js";
export type { Alert, AlertRaw, AlertRawKinds, OutputFieldValue } from "./alert.js";
export { type AlertFilter, compileAlertFilter } from "./alert-filter.js";
export {
  alertToJson,
  type FalcoAlertJson,
  formatAlertJson,
  parseAlertJson,
  tryParseAlertLine,
} from "./alert-json.js";
export type { AlertSubscription } from "./alert-subscription.js";
export { dateFromNs, nsFromRfc3339, rfc3339FromNs } from "./alert-time.js";
export { type BackoffOptions, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";
export {
  BoundedQueue,
  type BoundedQueueOptions,
  type DropPolicy,
  type QueueResult,
} from "./bounded-queue.js";
export {
  AlertParseError,
  AlreadyIteratedError,
  ConfigurationError,
  FalcoError,
  type FalcoErrorCode,
  type FalcoErrorCodes,
  type FalcoErrorOptions,
  type NamedOption,
} from "./errors.js";
/** @deprecated Import it from "@falco-sdk/core/internal" (not public API). */
export { EventHub } from "./event-hub.js";
export { hostForUrl, hostPort } from "./host.js";
/** @deprecated The old fan-out; "@falco-sdk/core/internal" has its successor. */
export { BoundedFanout, type FanoutConsumer } from "./legacy-bounded-fanout.js";
export { mergeAlerts } from "./merge-alerts.js";
export {
  formatTimeOfDay,
  type OutputLineHead,
  outputLineText,
  parseOutputLineHead,
  withOutputLineTime,
} from "./output-line.js";
export {
  comparePriority,
  isAtLeast,
  PRIORITIES,
  type Priority,
  parsePriority,
  priorityLevel,
} from "./priority.js";
export { QueuedSubscription, type QueuedSubscriptionOptions } from "./queued-subscription.js";
export { sleep } from "./sleep.js";
export type {
  ClosedEvent,
  DroppedEvent,
  StatusEvent,
  SubscriptionClosedEvent,
  SubscriptionStatus,
} from "./status-event.js";
export type { SubscriptionEnd, SubscriptionEndReason } from "./subscription-end.js";
export { parseFalcoTextLine } from "./text-alert.js";
