export {
  FALCO_EVENTS_LABELS,
  type FalcoEventsLabels,
  falcoEventsLabels,
  falcoNativeLabels,
  tagLabelName,
} from "./alert-labels.js";
export { OVERFLOW_LABEL_VALUE } from "./alert-series.js";
export { MetricsListenError } from "./errors.js";
export {
  createFalcoMetrics,
  type FalcoMetrics,
  type FalcoMetricsOptions,
} from "./falco-metrics.js";
export type { ListenAddress } from "./metrics-server.js";
export {
  createPrometheusExporter,
  type PrometheusExporter,
  type PrometheusExporterOptions,
} from "./prometheus-exporter.js";
export type { SourceState, SourceStatusEvent } from "./source-status.js";
