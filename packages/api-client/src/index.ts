export type {
  AlertPage,
  FacetCount,
  FacetOptions,
  Facets,
  Histogram,
  HistogramBucket,
  HistogramOptions,
  QueryOptions,
} from "./alert-queries.js";
export { type AlertStreamClient, createAlertStreamClient } from "./alert-stream-client.js";
export {
  ApiBadRequestError,
  ApiBadResponseError,
  type ApiError,
  ApiUnauthorizedError,
  ApiUnreachableError,
} from "./api-errors.js";
export type {
  AlertStreamClientOptions,
  ApiFilter,
  ApiRangeOptions,
  ApiTime,
  ApiTlsOptions,
  PemSource,
  ReconnectOptions,
} from "./client-options.js";
export { readCursor } from "./cursor-file.js";
export type {
  AlertStreamStatus,
  AlertStreamSubscription,
  ApiAlert,
  SubscribeOptions,
} from "./stream-status.js";
