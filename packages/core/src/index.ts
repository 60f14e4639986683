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
export { BoundedFanout, type FanoutConsumer } from "./bounded-fanout.js";
export {
  AlertParseError,
  ConfigurationError,
  FalcoError,
  type FalcoErrorCode,
  type FalcoErrorCodes,
  type FalcoErrorOptions,
  type NamedOption,
} from "./errors.js";
export { EventHub } from "./event-hub.js";
export { hostForUrl, hostPort } from "./host.js";
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
export type { ClosedEvent, StatusEvent } from "./status-event.js";
export { parseFalcoTextLine } from "./text-alert.js";
