import { AlertQueue } from "./alert-queue.js";
import { PauseGate } from "./pause-gate.js";

/** Kinds of calls a test server tracks. */
export type CallKind = "sub" | "get" | "version";

/** One open call, closed by its handler's `finally`. */
export interface OpenCall {
  readonly kind: CallKind;
  close(): void;
}

/**
 * State shared by the gRPC services of one test server: the queue, the pause
 * gate, the stopping flag and the open calls (which `stop()` waits for).
 */
export class ServerCore {
  readonly queue = new AlertQueue();
  readonly gate = new PauseGate();
  readonly #calls = new Set<OpenCall>();
  #idleWaiters: (() => void)[] = [];
  #stopping = false;

  /** True from `stop()` until the next start: `sub` ends at its next request, `get` stops draining. */
  get stopping(): boolean {
    return this.#stopping;
  }

  set stopping(value: boolean) {
    this.#stopping = value;
    if (value) {
      // Stopping overrides pause: handlers waiting at the gate may finish.
      this.gate.open();
    }
  }

  get openCalls(): number {
    return this.#calls.size;
  }

  get subscribers(): number {
    let count = 0;
    for (const call of this.#calls) {
      if (call.kind === "sub") {
        count += 1;
      }
    }
    return count;
  }

  openCall(kind: CallKind): OpenCall {
    const call: OpenCall = {
      kind,
      close: () => {
        if (this.#calls.delete(call) && this.#calls.size === 0) {
          const waiters = this.#idleWaiters;
          this.#idleWaiters = [];
          for (const wake of waiters) {
            wake();
          }
        }
      },
    };
    this.#calls.add(call);
    return call;
  }

  /** Resolves when no call is open. */
  whenIdle(): Promise<void> {
    if (this.#calls.size === 0) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}
