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

/** Events kept per `status()` reader that has not read them yet; older ones are dropped. */
const MAX_PENDING = 100;

/**
 * Fans status events out to every `status()` iterable. A reader that does not
 * keep up loses its oldest events beyond MAX_PENDING, never blocking the client.
 */
export class StatusHub {
  private readonly readers = new Set<{ queue: ClientStatus[]; wake?: () => void }>();
  private closed = false;

  publish(event: ClientStatus): void {
    if (this.closed) return;
    if (event.type === "closed") this.closed = true;
    for (const reader of this.readers) {
      reader.queue.push(event);
      if (reader.queue.length > MAX_PENDING) reader.queue.shift();
      reader.wake?.();
    }
  }

  /** A new iterable of the events from now on; ends after "closed". */
  subscribe(): AsyncIterable<ClientStatus> {
    const hub = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (hub.closed) return;
        const reader: { queue: ClientStatus[]; wake?: () => void } = { queue: [] };
        hub.readers.add(reader);
        try {
          for (;;) {
            const event = reader.queue.shift();
            if (event) {
              yield event;
              if (event.type === "closed") return;
              continue;
            }
            await new Promise<void>((resolve) => {
              reader.wake = resolve;
            });
            reader.wake = undefined;
          }
        } finally {
          hub.readers.delete(reader);
        }
      },
    };
  }
}
