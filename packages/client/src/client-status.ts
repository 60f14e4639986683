import type { ClosedEvent, FalcoError, StatusEvent } from "@falco-sdk/core";

/** A connection event of a `FalcoClient`, from `status()`. */
export type ClientStatus =
  /** Opening a connection (first time or after a failure). */
  | StatusEvent<"connecting", { endpoint: string }>
  /** Falco answered: alerts flow. */
  | StatusEvent<"connected", { endpoint: string }>
  /**
   * The connection failed or ended. `alertsMayHaveBeenLost` is true when the alert stream was
   * open: Falco removes an alert from its queue before writing it, so what was in flight is gone.
   */
  | StatusEvent<"disconnected", { error: FalcoError; alertsMayHaveBeenLost: boolean }>
  /** Waiting `delayMs` before reconnection attempt `attempt` (1-based). */
  | StatusEvent<"reconnecting", { attempt: number; delayMs: number; error: FalcoError }>
  /** `close()` was called; the status iterable ends after this event. */
  | ClosedEvent;
