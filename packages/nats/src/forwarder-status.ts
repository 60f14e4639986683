import type { FalcoError } from "@falco-sdk/core";

/** What a forwarder reports through `status()`. */
export type ForwarderStatus =
  | { readonly type: "connecting"; readonly servers: string }
  | { readonly type: "connected"; readonly server: string }
  /**
   * The spool is open (`spool` option): `unpublished` alerts an earlier forwarder left in it
   * are published first.
   */
  | { readonly type: "spool-opened"; readonly directory: string; readonly unpublished: number }
  /** The stream exists (created if it was missing): publishing starts. */
  | { readonly type: "ready"; readonly stream: string; readonly server: string }
  /** The connection broke; alerts wait in the backlog while the NATS client reconnects. */
  | { readonly type: "disconnected"; readonly server: string }
  /** A publish was not acknowledged; it is retried (in order) after `delayMs`. */
  | {
      readonly type: "publish-failed";
      readonly error: FalcoError;
      readonly backlog: number;
      readonly delayMs: number;
    }
  /** The backlog is full: from now on its oldest alerts are dropped to make room. */
  | { readonly type: "dropping"; readonly capacity: number }
  /** Drops ended (the backlog has room again): `count` alerts were dropped, `total` ever. */
  | { readonly type: "dropped"; readonly count: number; readonly total: number }
  /** An alert NATS can never take (larger than max_payload, publish not permitted): skipped. */
  | { readonly type: "rejected"; readonly error: FalcoError; readonly id: string }
  | { readonly type: "closed"; readonly error?: FalcoError };

/** Counters of a forwarder since it was created. */
export interface ForwarderStats {
  /** Alerts read from the sources. */
  readonly received: number;
  /** Alerts JetStream acknowledged (stored, or recognised as a duplicate). */
  readonly published: number;
  /** Of `published`, acks that said "duplicate" (JetStream had the alert already). */
  readonly duplicates: number;
  /** Alerts dropped because the backlog was full. */
  readonly dropped: number;
  /** Alerts NATS refused for good (too large, not permitted). */
  readonly rejected: number;
  /** Alerts waiting in the backlog now (after `close()`: never sent). */
  readonly backlog: number;
}
