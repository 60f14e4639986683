import { abortable } from "@falco-sdk/grpc-server/internal";

/** Open by default; `close()` makes `pass()` wait until `open()`. */
export class PauseGate {
  #waiting: Promise<void> | undefined;
  #release: (() => void) | undefined;

  get closed(): boolean {
    return this.#waiting !== undefined;
  }

  close(): void {
    if (this.#waiting === undefined) {
      this.#waiting = new Promise((resolve) => {
        this.#release = resolve;
      });
    }
  }

  open(): void {
    this.#release?.();
    this.#waiting = undefined;
    this.#release = undefined;
  }

  /** Resolves at once when open, else when opened; rejects when `signal` aborts first. */
  async pass(signal: AbortSignal): Promise<void> {
    while (this.#waiting !== undefined) {
      await abortable(this.#waiting, signal);
    }
  }
}
