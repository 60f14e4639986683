import type { FalcoError } from "./errors.js";

/** A connection event of a `FalcoClient`, from `status()`. */
export type ClientStatus =
  /** Opening a connection (first time or after a failure). */
  | { readonly type: "connecting"; readonly endpoint: string }
  /** Falco answered: alerts flow. */
  | { readonly type: "connected"; readonly endpoint: string }
  /**
   * The connection failed or ended. `alertsMayHaveBeenLost` is true when the alert stream was
   * open: Falco removes an alert from its queue before writing it, so what was in flight is gone.
   */
  | {
      readonly type: "disconnected";
      readonly error: FalcoError;
      readonly alertsMayHaveBeenLost: boolean;
    }
  /** Waiting `delayMs` before reconnection attempt `attempt` (1-based). */
  | {
      readonly type: "reconnecting";
      readonly attempt: number;
      readonly delayMs: number;
      readonly error: FalcoError;
    }
  /** `close()` was called; the status iterable ends after this event. */
  | { readonly type: "closed" };
