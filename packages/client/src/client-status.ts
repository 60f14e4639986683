import type {
  ClosedEvent,
  FalcoError,
  StatusEvent,
  SubscriptionClosedEvent,
} from "@falco-sdk/core";
import type { SubscriptionStarvedError } from "./errors.js";

/** A connection event of a `FalcoClient`, from `status()`. */
export type ClientStatus =
  /** Opening a connection (first time or after a failure). */
  | StatusEvent<"connecting", { endpoint: string }>
  /** Falco answered: alerts flow. */
  | StatusEvent<"connected", { endpoint: string }>
  /**
   * The connection failed or ended. `alertsMayHaveBeenLost` is true when the alert stream broke
   * while open (Falco removes an alert from its queue before writing it, so what was in flight is
   * gone), or when Falco's stop or reload ended it with OK in the middle of a drain (Falco pops
   * one more alert after its current write and discards it: at most one per stream).
   * `possibleLosses` counts this client's disconnections so far with `alertsMayHaveBeenLost`.
   */
  | StatusEvent<
      "disconnected",
      { error: FalcoError; alertsMayHaveBeenLost: boolean; possibleLosses: number }
    >
  /** Waiting `delayMs` before reconnection attempt `attempt` (1-based). */
  | StatusEvent<"reconnecting", { attempt: number; delayMs: number; error: FalcoError }>
  /**
   * Falco accepted the alert stream but does not serve it (its `sub` slots are full, see
   * `SubscriptionStarvedError`). The subscription keeps waiting for a slot and fetches the
   * queued alerts with `get` meanwhile; `connected` follows once the stream is served.
   */
  | StatusEvent<"starved", { error: SubscriptionStarvedError }>
  /**
   * Alerts Falco had handed over were never delivered: `count` were still buffered when the
   * subscription ended (`break`, `unsubscribe()`, an AbortSignal). `total` counts every such
   * alert of this client so far.
   */
  | StatusEvent<"dropped", { count: number; total: number }>
  /** `close()` was called; the status iterable ends after this event. */
  | ClosedEvent;

/**
 * An event of one subscription's `status()`: the connection events of that subscription (those
 * the client's `status()` tells for every subscription), `dropped` with this subscription's
 * `total`, and last `closed` with why it ended (`reason`, and `error` when it failed).
 */
export type FalcoSubscriptionStatus = Exclude<ClientStatus, ClosedEvent> | SubscriptionClosedEvent;
