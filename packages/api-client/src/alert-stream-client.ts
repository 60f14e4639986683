import type { Alert } from "@falco-sdk/core";
import {
  type AlertPage,
  exportAlerts,
  type FacetOptions,
  type Facets,
  getFacets,
  getHistogram,
  getStats,
  type Histogram,
  type HistogramOptions,
  type QueryOptions,
  queryPage,
  queryPages,
} from "./alert-queries.js";
import { StreamSubscription } from "./alert-stream-subscription.js";
import { resolveTarget } from "./api-target.js";
import type { AlertStreamClientOptions, ApiRangeOptions } from "./client-options.js";
import type { AlertStreamSubscription, SubscribeOptions } from "./stream-status.js";

/** A client of the falco-sdk HTTP alert API (`createAlertStreamClient`). */
export interface AlertStreamClient {
  /** The API's base URL, as resolved (no credentials). */
  readonly url: string;
  /**
   * Follows `/api/v1/alerts/stream`: alerts with their cursor, once each and in order, across
   * network drops and server restarts (it resumes with `Last-Event-ID`). Nothing is sent
   * before the loop starts.
   *
   * @throws ConfigurationError for a bad `resumeFrom` or `maxBufferedAlerts`, or a
   *   `cursorFile` that cannot be read or written.
   */
  subscribe(options?: SubscribeOptions): AlertStreamSubscription;
  /** One page of stored alerts, newest first. */
  query(options?: QueryOptions): Promise<AlertPage>;
  /** Every page of stored alerts, newest first, each fetched when the loop asks for it. */
  pages(options?: QueryOptions): AsyncIterable<AlertPage>;
  /** Counts by priority, rule, hostname, source, tag and the output fields asked for. */
  facets(options?: FacetOptions): Promise<Facets>;
  /** Alerts over time, by priority. */
  histogram(options?: HistogramOptions): Promise<Histogram>;
  /** The server's statistics (its store's, and what the embedding process adds). */
  stats(options?: { readonly signal?: AbortSignal }): Promise<Record<string, unknown>>;
  /** Every alert of a range, oldest first, streamed (`/api/v1/alerts/export`, no cap). */
  exportAlerts(options?: ApiRangeOptions): AsyncIterable<Alert>;
}

/**
 * A client of the falco-sdk HTTP alert API (`falco-alerts relay --serve-http`, or any
 * `@falco-sdk/api` server). It opens no connection until asked.
 *
 * ```ts
 * const client = createAlertStreamClient({ url: "http://127.0.0.1:2803" });
 * for await (const alert of client.subscribe({ cursorFile: "./falco.cursor" })) {
 *   console.log(alert.cursor, alert.rule);
 * }
 * ```
 *
 * @throws ConfigurationError for a `url` that is not http(s), `tls` with an http URL, an
 *   unreadable PEM file, a malformed `token`.
 */
export function createAlertStreamClient(options: AlertStreamClientOptions): AlertStreamClient {
  const target = resolveTarget(options);
  const settings = {
    target,
    reconnect: options.reconnect ?? {},
    waitForServer: options.waitForServer ?? false,
  };
  return {
    url: target.shown,
    subscribe: (subscribeOptions) => new StreamSubscription(settings, subscribeOptions),
    query: (queryOptions = {}) => queryPage(target, queryOptions),
    pages: (queryOptions = {}) => queryPages(target, queryOptions),
    facets: (facetOptions = {}) => getFacets(target, facetOptions),
    histogram: (histogramOptions = {}) => getHistogram(target, histogramOptions),
    stats: (statsOptions = {}) => getStats(target, statsOptions.signal),
    exportAlerts: (range = {}) => exportAlerts(target, range),
  };
}
