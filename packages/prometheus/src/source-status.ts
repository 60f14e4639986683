/**
 * A status event of an alert source, as the exporter reads it. `FalcoClient.status()`
 * (`@falco-sdk/client`) and `HttpAlertReceiver.status()` (`@falco-sdk/http`) yield such events;
 * so can any source: types the exporter does not know are ignored.
 *
 * - `connected` (gRPC) and `listening` (HTTP receiver): the source is up: `/readiness` 204,
 *   `falco_sdk_connected` 1.
 * - `connecting`, `reconnecting`, `disconnected`, `closed`: it is down (503, 0).
 * - `disconnected` with `alertsMayHaveBeenLost: true`: counted in
 *   `falco_sdk_possible_alert_losses_total`.
 * - `dropped` with `total`: alerts the source dropped so far (`falco_sdk_alerts_dropped_total`).
 * - `malformed` with `total`: bodies an HTTP receiver answered 204, then found not to be an alert
 *   (`falco_sdk_alerts_malformed_total`); never counted as refused.
 * - `rejected` with `total`: requests refused so far; with `reason` and `reasonTotal` (the
 *   refusals of that reason so far), counted under that reason
 *   (`falco_sdk_requests_rejected_total{reason}`), else under `reason="unknown"`.
 */
export interface SourceStatusEvent {
  /** The event's name: `connected`, `listening`, `disconnected`, `dropped`, `rejected`, ... */
  readonly type: string;
  /** On `disconnected`: alerts may have been lost with the connection. @default false */
  readonly alertsMayHaveBeenLost?: boolean;
  /** On `dropped` and `rejected`: the source's total so far. */
  readonly total?: number;
  /** On `rejected`: why the request was refused. @default "unknown" */
  readonly reason?: string;
  /** On `rejected` with `reason`: the refusals of that reason so far. */
  readonly reasonTotal?: number;
}

const UP = new Set(["connected", "listening"]);
const DOWN = new Set(["connecting", "reconnecting", "disconnected", "closed"]);

/** Whether an event says the source is up (true), down (false) or nothing about it. */
export function sourceUp(event: SourceStatusEvent): boolean | undefined {
  if (UP.has(event.type)) return true;
  if (DOWN.has(event.type)) return false;
  return undefined;
}

/**
 * The state of the alert source, read at each scrape and probe: for sources that keep counters
 * rather than emit events (e.g. several inputs merged into one stream). Totals only grow.
 */
export interface SourceState {
  /** Connected (gRPC) or listening (HTTP): what `/readiness` and `falco_sdk_connected` say. */
  readonly up: boolean;
  /** Disconnections while alerts were in flight, so far. */
  readonly possibleLosses?: number;
  /** Alerts the source dropped because the exporter fell behind, so far. */
  readonly dropped?: number;
  /**
   * Bodies an HTTP receiver answered 204 that were not an alert, so far
   * (`HttpAlertReceiver.stats().malformed`). @default 0
   */
  readonly malformed?: number;
  /**
   * Requests an HTTP receiver refused so far (each may be a lost alert: Falco does not retry):
   * a total, or counts by reason (`HttpAlertReceiver.stats().rejectedByReason`), each exported
   * as `falco_sdk_requests_rejected_total{reason}`; a plain total is `reason="unknown"`.
   */
  readonly rejected?: number | Readonly<Record<string, number>>;
}
