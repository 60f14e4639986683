export {
  createHttpAlertReceiver,
  type HttpAlertReceiver,
  type ReceiverStats,
} from "./http-alert-receiver.js";
export type {
  HttpAlertReceiverOptions,
  ReceiverAlertsOptions,
  ReceiverTlsOptions,
} from "./receiver-options.js";
export type { ReceiverStatus } from "./receiver-status.js";
export { parseFalcoTextLine } from "./text-alert.js";
