import { Code, ConnectError } from "@connectrpc/connect";
import { AlertQueue } from "./alert-queue.js";
import { CallSlots } from "./call-slots.js";
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
  /** Call contexts per method (Falco: threadiness x 10); calls beyond wait unanswered. */
  readonly slots: Readonly<Record<CallKind, CallSlots>>;
  readonly #calls = new Set<OpenCall>();
  #idleWaiters: (() => void)[] = [];
  #stopping = false;
  #stopController = new AbortController();

  constructor(callsPerMethod: number | undefined) {
    this.slots = {
      sub: new CallSlots(callsPerMethod),
      get: new CallSlots(callsPerMethod),
      version: new CallSlots(callsPerMethod),
    };
  }

  /** Aborted when `stop()` begins: calls still waiting for a slot fail (UNAVAILABLE). */
  get stopSignal(): AbortSignal {
    return this.#stopController.signal;
  }

  /** True from `stop()` until the next start: `sub` ends at its next request, `get` stops draining. */
  get stopping(): boolean {
    return this.#stopping;
  }

  set stopping(value: boolean) {
    this.#stopping = value;
    if (value) {
      // Stopping overrides pause: handlers waiting at the gate may finish.
      this.gate.open();
      this.#stopController.abort(new ConnectError("the server is stopping", Code.Unavailable));
    } else if (this.#stopController.signal.aborted) {
      this.#stopController = new AbortController();
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

  /**
   * Waits for a free call context of `kind` (unless the call or the server
   * ends first), then registers the call. `close()` frees both.
   */
  async startCall(kind: CallKind, signal: AbortSignal): Promise<OpenCall> {
    const release = await this.slots[kind].acquire(AbortSignal.any([signal, this.stopSignal]));
    const call = this.openCall(kind);
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      signal.removeEventListener("abort", close);
      call.close();
      release();
    };
    // A client that cancels while a write waits on HTTP/2 flow control never
    // lets connect-node resume the handler: count the call closed on abort.
    signal.addEventListener("abort", close, { once: true });
    return { kind, close };
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
