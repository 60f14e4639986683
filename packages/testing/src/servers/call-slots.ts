import { abortable } from "@falco-sdk/grpc-server/internal";

/**
 * Falco's server pre-arms `threadiness x 10` call contexts per method; a call
 * beyond that waits, unanswered, until an earlier call of the same method
 * ends. A semaphore with that many permits (unlimited when `limit` is undefined).
 */
export class CallSlots {
  readonly #limit: number;
  #used = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number | undefined) {
    this.#limit = limit ?? Number.POSITIVE_INFINITY;
  }

  /** Resolves with a release function once a slot is free; rejects when `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    if (this.#used >= this.#limit) {
      let wake: (() => void) | undefined;
      const turn = new Promise<void>((resolve) => {
        wake = resolve;
        this.#waiting.push(resolve);
      });
      try {
        await abortable(turn, signal);
      } catch (error) {
        const index = this.#waiting.indexOf(wake as () => void);
        if (index >= 0) {
          this.#waiting.splice(index, 1);
        } else {
          this.#release(); // woken and aborted at once: pass the slot on
        }
        throw error;
      }
    } else {
      this.#used += 1;
    }
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.#release();
      }
    };
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) {
      this.#used -= 1;
    } else {
      next(); // the slot goes straight to the next waiting call
    }
  }
}
