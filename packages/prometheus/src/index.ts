/**
 * Falco alerts as Prometheus metrics: `createPrometheusExporter()` serves them (falco-exporter's
 * `falco_events`, or Falco's own naming), `createFalcoMetrics()` adds them to a registry of yours.
 *
 * @packageDocumentation
 */
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
