import { type Alert, ConfigurationError } from "@falco-sdk/core";
import { Registry } from "prom-client";
import {
  createFalcoMetrics,
  type FalcoMetrics,
  type FalcoMetricsOptions,
} from "./falco-metrics.js";
import { type ListenAddress, type Listener, listen } from "./metrics-server.js";
import type { SourceStatusEvent } from "./source-status.js";

/** Options of {@link createPrometheusExporter}. */
export interface PrometheusExporterOptions extends FalcoMetricsOptions {
  /**
   * The alerts to count: `FalcoClient.subscribe()`, `HttpAlertReceiver.alerts()`, or any
   * `AsyncIterable<Alert>` (several sources merged, a file replay, ...).
   */
  readonly alerts: AsyncIterable<Alert>;
  /**
   * The source's status events, for `/readiness`, `falco_sdk_connected`, possible losses and
   * drops: `FalcoClient.status()`, `HttpAlertReceiver.status()`, or your own.
   * @default none: ready while `alerts` is being read (unless `state` is given)
   */
  readonly status?: AsyncIterable<SourceStatusEvent>;
  /**
   * The source's state when the exporter starts, e.g. `{ type: "listening" }` for an HTTP
   * receiver, which is listening before its `status()` iterable exists.
   * @default none (down until the first event says otherwise)
   */
  readonly initialStatus?: SourceStatusEvent;
  /**
   * Host of the metrics server.
   * @default "127.0.0.1" (loopback: set "0.0.0.0" or "::" for a remote Prometheus)
   */
  readonly host?: string;
  /**
   * Port of the metrics server (falco-exporter's). 0 picks a free one.
   * @default 9376
   */
  readonly port?: number;
  /**
   * Path of the metrics.
   * @default "/metrics"
   */
  readonly path?: string;
  /**
   * Also serve `/liveness` and `/readiness` on a listener of their own, as falco-exporter did
   * on port 19376 (its Helm chart probes that port). They are always on the metrics server too.
   * @default none
   */
  readonly probes?: ListenAddress;
  /**
   * More registries served on the same path, e.g. a relay's per-subscriber counters. Metric
   * names must not clash with the exporter's or each other's.
   * @default []
   */
  readonly registries?: readonly Registry[];
}

/** A running exporter. */
export interface PrometheusExporter extends AsyncDisposable {
  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:9376/metrics`. */
  readonly url: string;
  /** Base URL of the probes listener (`probes`), else of the metrics server. */
  readonly probesUrl: string;
  /** The alert metrics it serves, in their registry (add metrics of your own to it). */
  readonly metrics: FalcoMetrics;
  /** What `/readiness` answers: true while connected (gRPC) or listening (HTTP). */
  ready(): boolean;
  /**
   * Settles when the alerts end: resolves when the iterable finished, rejects with its error
   * (e.g. the client gave up reconnecting). The server keeps serving until `close()`.
   */
  readonly done: Promise<void>;
  /** Stops the HTTP listeners and stops counting. Close the alert source yourself. */
  close(): Promise<void>;
}

/**
 * Counts alerts as Prometheus metrics (see {@link createFalcoMetrics}) and serves them with
 * falco-exporter's probes.
 *
 * ```ts
 * const falco = createFalcoClient();
 * const exporter = await createPrometheusExporter({
 *   status: falco.status(),
 *   alerts: falco.subscribe(),
 * });
 * ```
 *
 * @throws MetricsListenError when an address cannot be bound; ConfigurationError for bad
 * options or clashing metric names in `registries`.
 */
export async function createPrometheusExporter(
  options: PrometheusExporterOptions,
): Promise<PrometheusExporter> {
  const path = options.path ?? "/metrics";
  if (!path.startsWith("/") || path === "/liveness" || path === "/readiness") {
    throw new ConfigurationError(`path must start with "/" and not be a probe, got "${path}"`);
  }
  const metrics = createFalcoMetrics(options);
  const registries = [metrics.registry, ...(options.registries ?? [])];
  try {
    Registry.merge(registries);
  } catch (cause) {
    throw new ConfigurationError(
      `registries cannot be served together: ${(cause as Error).message}. Rename the metric or drop the registry.`,
      { cause },
    );
  }
  let reading = false;
  const ready = () => (options.status || options.state ? metrics.up : reading);
  if (options.initialStatus) metrics.observe(options.initialStatus);

  const listeners: Listener[] = [];
  const closeAll = () => Promise.all(listeners.map((l) => l.close())).then(() => {});
  try {
    listeners.push(
      await listen({ host: options.host, port: options.port ?? 9376 }, { path, registries, ready }),
    );
    if (options.probes) listeners.push(await listen(options.probes, { registries, ready }));
  } catch (error) {
    await closeAll();
    throw error;
  }
  const [server, probes = server] = listeners as [Listener, Listener?];

  let closed = false;
  if (options.status) {
    const status = options.status;
    (async () => {
      for await (const event of status) {
        if (closed) break;
        metrics.observe(event);
      }
    })().catch(() => {}); // a failing status source only stops status updates
  }
  const done = (async () => {
    reading = true;
    try {
      for await (const alert of options.alerts) {
        if (closed) break;
        metrics.count(alert);
      }
    } finally {
      reading = false;
    }
  })();
  done.catch(() => {}); // reported through `done` to whoever awaits it, never unhandled

  const close = async () => {
    closed = true;
    await closeAll();
  };
  return {
    url: `${server.url}${path}`,
    probesUrl: probes.url,
    metrics,
    ready,
    done,
    close,
    [Symbol.asyncDispose]: close,
  };
}
