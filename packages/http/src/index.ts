// Moved to @falco-sdk/core in 0.2 (the text parser is part of the Alert model): re-exported.
export { parseFalcoTextLine } from "@falco-sdk/core";
export {
  createHttpAlertReceiver,
  type HttpAlertReceiver,
  type ReceiverStats,
} from "./http-alert-receiver.js";
export type {
  HttpAlertReceiverOptions,
  ReceiverAlertsOptions,
  ReceiverHandOff,
  ReceiverTlsOptions,
} from "./receiver-options.js";
export {
  REJECT_REASONS,
  type ReceiverStatus,
  type RejectedEvent,
  type RejectReason,
} from "./receiver-status.js";
