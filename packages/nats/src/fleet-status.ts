import type { FalcoError, SubscriptionClosedEvent } from "@falco-sdk/core";

/** What a fleet subscription reports through `status()`. */
export type FleetStatus =
  | { readonly type: "connecting"; readonly servers: string }
  | { readonly type: "connected"; readonly server: string; readonly consumer: string }
  | { readonly type: "disconnected"; readonly server: string }
  /** Setting up the consumer failed for now (JetStream not ready, no answer); retried. */
  | { readonly type: "retrying"; readonly error: FalcoError; readonly delayMs: number }
  /**
   * The consumer has no leader yet (a JetStream cluster electing one, e.g. after losing a
   * node): reading starts when it is elected ("connected" follows).
   */
  | { readonly type: "waiting-for-leader"; readonly consumer: string }
  /** `waitForStream`: the stream does not exist yet; checked again every 500 ms. */
  | { readonly type: "waiting-for-stream"; readonly stream: string }
  /** A message in the stream that is not a Falco alert: terminated (never redelivered). */
  | { readonly type: "invalid-message"; readonly subject: string; readonly error: FalcoError }
  /** The last event: why it ended (`reason`, and `error` when it failed), as `closed` says. */
  | SubscriptionClosedEvent;
