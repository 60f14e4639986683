import type { BackoffOptions } from "@falco-sdk/core";
import type { NatsConnectionOptions } from "./connection-options.js";
import type { StreamOptions } from "./stream.js";

/** Options of `createNatsForwarder()`. */
export interface NatsForwarderOptions extends NatsConnectionOptions {
  /** The stream, created with these limits when it is missing. @default { name: "FALCO_ALERTS" } */
  readonly stream?: StreamOptions;
  /**
   * First tokens of every subject: alerts go to `<subjectPrefix>.<hostname>.<source>.<priority>`.
   * @default "falco.alerts"
   */
  readonly subjectPrefix?: string;
  /**
   * Alerts kept while NATS is unreachable or slow. When full, the oldest is dropped (counted in
   * `stats().dropped`, reported by `status()`); the source is never made to wait. @default 10000
   */
  readonly maxBacklog?: number;
  /**
   * What a full backlog does. `"drop-oldest"`: keep reading the source and drop the oldest
   * alert (counted, reported), so nothing upstream ever waits. `"wait"`: stop reading the
   * source until there is room; Falco's gRPC queue then keeps the alerts (in Falco's memory),
   * while an http receiver drops and counts what its own buffer cannot hold.
   * @default "drop-oldest"
   */
  readonly whenBacklogFull?: "drop-oldest" | "wait";
  /** How long one publish waits for JetStream's ack before it is retried. @default 5000 */
  readonly ackTimeoutMs?: number;
  /**
   * Delays before retrying a failed publish (and, with `waitForServer`, a connection): the
   * n-th waits `min(initialDelayMs * multiplier^(n-1), maxDelayMs)`, +-`jitter`, ended early
   * when a lost connection comes back or the stream elects a leader. Only one publish is
   * retried at a time, so a long outage costs one request per delay. `maxDelayMs` is short
   * by default because JetStream recovers by itself (a cluster electing a new stream leader
   * takes seconds) and the backlog should drain soon after.
   * @default { initialDelayMs: 1000, maxDelayMs: 5000, multiplier: 1.6, jitter: 0.2 }
   */
  readonly retry?: BackoffOptions;
  /**
   * @deprecated Use `retry.initialDelayMs` (same meaning); used when that is not given.
   * @default 1000
   */
  readonly retryDelayMs?: number;
  /**
   * @deprecated Use `retry.maxDelayMs` (same meaning); used when that is not given.
   * @default 5000
   */
  readonly maxRetryDelayMs?: number;
  /**
   * When false, a first connection that fails throws at once. When true, the forwarder keeps
   * retrying (buffering alerts) until NATS is up; refused credentials and TLS errors still
   * throw at once. @default false
   */
  readonly waitForServer?: boolean;
  /** Create the stream when it is missing. @default true */
  readonly createStream?: boolean;
}
