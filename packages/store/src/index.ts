export {
  AlertStore,
  type AlertStoreStats,
  type AppendOptions,
  type AppendResult,
  openAlertStore,
} from "./alert-store.js";
export {
  DEFAULT_COUNTED_FIELDS,
  MAX_COUNTED_FIELDS,
  MAX_COUNTED_VALUE_LENGTH,
} from "./field-counts.js";
export {
  StoreAccessError,
  StoreClosedError,
  StoreCorruptError,
  StoreForeignError,
  StoreFullError,
} from "./store-errors.js";
export type { StoreFilter } from "./store-filter.js";
export type { JsonPage, JsonPageOptions, StoredAlertJson } from "./store-json-page.js";
export { StoreLockedError } from "./store-lock-error.js";
export type { AlertStoreOptions } from "./store-options.js";
export type {
  FacetCount,
  FacetOptions,
  Facets,
  Histogram,
  HistogramBucket,
  HistogramOptions,
  QueryOptions,
  QueryPage,
  TimeBound,
  TimeRangeOptions,
} from "./store-queries.js";
export { type ReadOptions, StoreReader, type StoreReaderStatus } from "./store-reader.js";
export type { StoredAlert } from "./stored-alert.js";
export { storedAlertJson } from "./stored-alert-row.js";
