import type { BackoffOptions } from "@falco-sdk/core";
import type { NatsConnectionOptions } from "./connection-options.js";
import type { StreamOptions } from "./stream.js";

/** Where and how a forwarder keeps its backlog on disk (the `spool` option). */
export interface ForwarderSpoolOptions {
  /**
   * Directory of the spool: a `@falco-sdk/store` AlertStore (created when missing, mode 700),
   * owned by one forwarder at a time (a second one gets `SpoolLockedError`).
   */
  readonly directory: string;
  /**
   * The most the spool may use on disk. Beyond it, its oldest unpublished alerts are removed
   * (counted in `stats().dropped`, reported by a `dropped` status event: alerts possibly lost).
   * @default 536870912 (512 MiB)
   */
  readonly maxBytes?: number;
  /**
   * `true`: an alert is on the disk (fsync) before anything else happens to it, so it survives
   * a power loss. `false`: it survives the forwarder being killed (kill -9), not a power loss,
   * and costs less per alert.
   * @default true
   */
  readonly durable?: boolean;
}

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
   * Keep the backlog on disk: each alert read from a source is appended to the spool (in a
   * batch with those read at the same moment) before anything else happens to it, and
   * published from there in order; JetStream's ack moves the spool's saved cursor and removes
   * what was published. A forwarder restarted on the same directory publishes what the last
   * one had not (with the same `Nats-Msg-Id`, so JetStream's duplicate window drops what it
   * had stored already). Needs `@falco-sdk/store` installed beside this package.
   * @default undefined: the backlog is in memory, and lost if the process dies
   */
  readonly spool?: ForwarderSpoolOptions;
  /**
   * Alerts kept in memory while NATS is unreachable or slow. When full, the oldest is dropped
   * (counted in `stats().dropped`, reported by `status()`); the source is never made to wait.
   * With `spool`, the spool's `maxBytes` bounds the backlog instead, and `maxBacklog` is only
   * the bound of `whenBacklogFull: "wait"`. @default 10000
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
   * Delay before the first retry of a failed publish, in milliseconds.
   * @deprecated Use `retry.initialDelayMs` (same meaning); used when that is not given.
   * @default 1000
   */
  readonly retryDelayMs?: number;
  /**
   * Longest delay between two retries of a failed publish, in milliseconds.
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
