import { type Alert, ConfigurationError } from "@falco-sdk/core";
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { AlertSeries } from "./alert-series.js";
import { SeriesCounter } from "./series-counter.js";
import { type SourceState, type SourceStatusEvent, sourceUp } from "./source-status.js";

/** Options of {@link createFalcoMetrics}. */
export interface FalcoMetricsOptions {
  /**
   * The registry the metrics are registered in.
   * @default a new `Registry`
   */
  readonly registry?: Registry;
  /**
   * Also collect prom-client's default process metrics (`process_*`, `nodejs_*`).
   * @default true without `registry`, false with it (your registry, your choice)
   */
  readonly defaultMetrics?: boolean;
  /**
   * The cardinality guard: at most this many distinct alert label sets (rule x priority x
   * hostname x source x namespace x pod x tags). Past it, alerts are counted in one overflow
   * series per priority whose other labels read `_overflow_`, and in
   * `falco_sdk_series_limit_hits_total`.
   * @default 10000
   */
  readonly maxSeries?: number;
  /**
   * Serve `falcosecurity_falco_rules_matches_total` (Falco's own metric naming, for dashboards
   * built for Falco's metrics endpoint) beside `falco_events`.
   * @default true
   */
  readonly falcoNative?: boolean;
  /**
   * Reads the source's state at each scrape and probe, instead of (or on top of) the status
   * events given to `observe()`: for sources that keep counters.
   * @default none: the state comes from `observe()` alone
   */
  readonly state?: () => SourceState;
  /**
   * Called once, the first time an alert lands in an overflow series (e.g. to log a warning).
   * @default none
   */
  readonly onSeriesLimit?: (maxSeries: number) => void;
}

/** Falco alerts as Prometheus metrics, in a prom-client registry. */
export interface FalcoMetrics {
  /** The registry the metrics are in (`options.registry`, or a new one). */
  readonly registry: Registry;
  /** Counts one alert. */
  count(alert: Alert): void;
  /** Applies a status event of the alert source (see {@link SourceStatusEvent}). */
  observe(event: SourceStatusEvent): void;
  /** True while the source is connected (gRPC) or listening (HTTP), as it last said. */
  readonly up: boolean;
  /** Distinct alert label sets counted so far (at most `maxSeries`). */
  readonly series: number;
}

/**
 * Registers the exporter's metrics:
 *
 * - `falco_events{rule, priority, hostname, source, k8s_ns_name, k8s_pod_name, tags}`:
 *   falco-exporter's counter, labels as it wrote them;
 * - `falcosecurity_falco_rules_matches_total{rule_name, priority, source, tag_<tag>,
 *   hostname, k8s_ns_name, k8s_pod_name}`: Falco's own naming plus the labels it lacks;
 * - `falco_sdk_connected`, `falco_sdk_possible_alert_losses_total`,
 *   `falco_sdk_alerts_dropped_total`, `falco_sdk_alerts_malformed_total`,
 *   `falco_sdk_requests_rejected_total`: the source's state;
 * - `falco_sdk_series`, `falco_sdk_series_limit`, `falco_sdk_series_limit_hits_total`: the
 *   cardinality guard.
 *
 * @throws ConfigurationError when `maxSeries` is not a positive integer.
 */
export function createFalcoMetrics(options: FalcoMetricsOptions = {}): FalcoMetrics {
  const maxSeries = options.maxSeries ?? 10_000;
  if (!Number.isSafeInteger(maxSeries) || maxSeries < 1) {
    throw new ConfigurationError(`maxSeries must be a positive integer, got ${maxSeries}`);
  }
  const registry = options.registry ?? new Registry();
  if (options.defaultMetrics ?? !options.registry) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const store = new AlertSeries(maxSeries);

  new SeriesCounter(
    {
      name: "falco_events",
      help: "Falco alerts by rule, priority (0 = Emergency .. 7 = Debug), host, source, Kubernetes namespace and pod, tags (falco-exporter compatible)",
      registers,
    },
    () => [...store.all()].map((s) => ({ labels: s.events, value: s.value })),
  );
  if (options.falcoNative ?? true) {
    new SeriesCounter(
      {
        name: "falcosecurity_falco_rules_matches_total",
        help: "Falco alerts by rule_name, priority, source and tag_<tag> as Falco's metrics endpoint names them, plus hostname and Kubernetes namespace and pod",
        registers,
      },
      () => [...store.all()].map((s) => ({ labels: s.native, value: s.value })),
    );
  }
  // The source's state: from status events (observe) or read from `state()` at each scrape.
  const observed = {
    up: false,
    possibleLosses: 0,
    dropped: 0,
    malformed: 0,
    rejected: {} as Record<string, number>,
  };
  const read = (): Required<SourceState> => {
    const s = options.state?.();
    return s ? { ...observed, ...s } : observed;
  };
  new Gauge({
    name: "falco_sdk_connected",
    help: "1 while connected to Falco's gRPC output or listening for its http_output, else 0",
    registers,
    collect() {
      this.set(read().up ? 1 : 0);
    },
  });
  totalCounter(
    registers,
    "falco_sdk_possible_alert_losses_total",
    () => read().possibleLosses,
    "Disconnections while the alert stream was open: Falco removes an alert from its queue before writing it, so alerts in flight may have been lost",
  );
  totalCounter(
    registers,
    "falco_sdk_alerts_dropped_total",
    () => read().dropped,
    "Alerts the source dropped because this exporter fell behind (oldest first)",
  );
  totalCounter(
    registers,
    "falco_sdk_alerts_malformed_total",
    () => read().malformed,
    "Bodies the HTTP receiver answered 204 before parsing them that were not an alert (bad JSON, not a Falco alert, bad gzip): each an alert lost, not refused",
  );
  rejectedCounter(registers, () => byReason(read().rejected));
  new Gauge({
    name: "falco_sdk_series",
    help: "Distinct alert label sets counted (the cardinality guard's current load)",
    registers,
    collect() {
      this.set(store.size);
    },
  });
  new Gauge({
    name: "falco_sdk_series_limit",
    help: "The cardinality guard: at most this many alert label sets, then overflow series",
    registers,
  }).set(maxSeries);
  const limitHits = new Counter({
    name: "falco_sdk_series_limit_hits_total",
    help: "Alerts counted in an overflow series (labels _overflow_) because the series limit was reached",
    registers,
  });

  let limitReported = false;
  return {
    registry,
    get up() {
      return read().up;
    },
    get series() {
      return store.size;
    },
    count(alert) {
      if (store.add(alert) !== "overflow") return;
      limitHits.inc();
      if (!limitReported) {
        limitReported = true;
        options.onSeriesLimit?.(maxSeries);
      }
    },
    observe(event) {
      const up = sourceUp(event);
      if (up !== undefined) observed.up = up;
      if (event.type === "disconnected" && event.alertsMayHaveBeenLost) observed.possibleLosses++;
      if (event.type === "dropped" && event.total !== undefined)
        observed.dropped = Math.max(observed.dropped, event.total);
      if (event.type === "malformed" && event.total !== undefined)
        observed.malformed = Math.max(observed.malformed, event.total);
      if (event.type === "rejected" && event.total !== undefined) {
        const reason = event.reason ?? "unknown";
        const total = event.reason ? (event.reasonTotal ?? 0) : event.total;
        observed.rejected[reason] = Math.max(observed.rejected[reason] ?? 0, total);
      }
    },
  };
}

/** A counter that follows a total kept elsewhere (it only ever grows). */
function totalCounter(registers: Registry[], name: string, total: () => number, help: string) {
  let counted = 0;
  new Counter({
    name,
    help,
    registers,
    collect() {
      const now = total();
      if (now > counted) {
        this.inc(now - counted);
        counted = now;
      }
    },
  });
}

/** Refusals by reason; a plain total counts as `unknown`. */
function byReason(rejected: number | Readonly<Record<string, number>>): Record<string, number> {
  return typeof rejected === "number" ? { unknown: rejected } : { ...rejected };
}

/** `falco_sdk_requests_rejected_total{reason}`, following totals by reason kept elsewhere. */
function rejectedCounter(registers: Registry[], totals: () => Record<string, number>) {
  const counted = new Map<string, number>();
  new Counter({
    name: "falco_sdk_requests_rejected_total",
    help: "Requests the HTTP receiver refused (4xx), by reason (wrong-path, wrong-method, auth, content-type, too-large, bad-body, malformed-http, timeout): each may be an alert lost, Falco does not retry",
    labelNames: ["reason"],
    registers,
    collect() {
      for (const [reason, now] of Object.entries(totals())) {
        const before = counted.get(reason);
        if (before === undefined || now > before) {
          this.inc({ reason }, now - (before ?? 0));
          counted.set(reason, now);
        }
      }
    },
  });
}
