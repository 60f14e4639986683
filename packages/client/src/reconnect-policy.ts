import type { FalcoError } from "@falco-sdk/core";
import { type Backoff, retryDelayMs } from "./backoff.js";
import { isPermanent } from "./error-mapping.js";

/** What a subscription does after a disconnection. */
export type ReconnectDecision =
  /** Falco ended the stream for a stop or reload: subscribe again at once. */
  | { readonly action: "resubscribe" }
  /** Wait `delayMs`, then try again (attempt `attempt`, 1-based). */
  | { readonly action: "retry"; readonly attempt: number; readonly delayMs: number }
  /** Stop and throw the failure. */
  | { readonly action: "give-up" };

/** One disconnection of a subscription, as `ReconnectPolicy.decide()` needs it. */
export interface Disconnection {
  readonly failure: FalcoError;
  /** Falco ended the stream without an error (OK or GOAWAY, for a stop or reload). */
  readonly endedByServer: boolean;
  /** The stream had opened (Falco answered `version`). */
  readonly streaming: boolean;
  /** Alerts the stream received (before any filter). */
  readonly received: number;
}

/**
 * The reconnect rules of one subscription, and the state they keep between disconnections:
 * the attempt number, whether Falco ever answered, graceful ends in a row that brought no
 * alert, and what is left of Falco's restart window.
 */
export class ReconnectPolicy {
  #attempt = 0;
  #everConnected = false;
  // Graceful ends in a row with no alert received: a server that ends every
  // stream at once must not make us reconnect in a tight loop.
  #emptyEnds = 0;
  // Falco's restart window, opened by a graceful end: a reload brings Falco's
  // server back within milliseconds, so the first retry delay (initialDelayMs)
  // is spent as retries every pollIntervalMs instead of one wait.
  #windowLeftMs = 0;

  constructor(
    private readonly backoff: Backoff | false,
    private readonly waitForServer: boolean,
    private readonly pollIntervalMs: number,
  ) {}

  /** Falco answered: the next failure starts again at attempt 1. */
  connected(): void {
    this.#everConnected = true;
    this.#attempt = 0;
  }

  decide(disconnection: Disconnection): ReconnectDecision {
    const { backoff } = this;
    const { failure, endedByServer, streaming } = disconnection;
    if (endedByServer) this.#emptyEnds = disconnection.received > 0 ? 0 : this.#emptyEnds + 1;
    // Falco ended the stream for a stop or reload (GOAWAY, OK): a reload
    // restarts its server within milliseconds, so resubscribe at once. The
    // backoff is for failures (such as that attempt finding no Falco yet),
    // and for a second graceful end in a row that brought no alert.
    if (endedByServer && backoff !== false && this.#emptyEnds <= 1) {
      this.#windowLeftMs = backoff.initialDelayMs;
      return { action: "resubscribe" };
    }
    if (isPermanent(failure) || backoff === false) return { action: "give-up" };
    if (!this.#everConnected && !this.waitForServer) return { action: "give-up" };
    if (this.#windowLeftMs > 0 && !streaming && backoff.maxAttempts >= 1) {
      // Falco is not back yet: still within the restart window (attempt 1).
      const delayMs = Math.min(Math.max(this.pollIntervalMs, 10), this.#windowLeftMs);
      this.#windowLeftMs -= delayMs;
      this.#attempt = 1;
      return { action: "retry", attempt: 1, delayMs };
    }
    this.#windowLeftMs = 0;
    this.#attempt++;
    const delayMs = retryDelayMs(backoff, this.#attempt, failure);
    if (delayMs === undefined) return { action: "give-up" };
    return { action: "retry", attempt: this.#attempt, delayMs };
  }
}
