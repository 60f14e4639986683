export type { Alert, AlertRaw, OutputFieldValue } from "./alert.js";
export { alertFromResponse } from "./alert-from-response.js";
export {
  alertToJson,
  type FalcoAlertJson,
  parseAlertJson,
  tryParseAlertLine,
} from "./alert-json.js";
export { AlertParseError, FalcoError } from "./errors.js";
export {
  comparePriority,
  isAtLeast,
  PRIORITIES,
  type Priority,
  parsePriority,
  priorityLevel,
} from "./priority.js";
