import type { response } from "@falco-sdk/proto/outputs";
import type { Connection } from "./connection.js";
import type { RequestPump } from "./request-pump.js";

/** What a {@link StarvationWatch} works with. */
export interface StarvationWatchOptions {
  readonly connection: Connection;
  readonly pump: RequestPump;
  /** Hands a message `get` took over to the consumer, like one from `sub`. */
  readonly deliver: (message: response) => void;
  /** Resolves once the consumer's queue is under its limit again (back-pressure). */
  readonly waitForRoom: () => Promise<void>;
  /** Silence of the `sub` call after which a `get` looks for alerts it did not deliver. */
  readonly quietMs: number;
  /** Ends the `get` calls with the `sub` call. */
  readonly signal: AbortSignal;
  /** False while fetching must not start (consumer lagging, Falco stopping). */
  readonly mayFetch: () => boolean;
  /** Called when an alert came in through `get`. */
  readonly onAlert: () => void;
  /** The `sub` call is not served (true), or is served again (false). */
  readonly onStarved: (starved: boolean) => void;
}

/**
 * Tells a `sub` call that Falco accepted but does not serve from one that has
 * nothing to deliver. Falco arms `grpc.threadiness x 10` calls per method;
 * calls beyond wait, unanswered, for a slot (stale calls of crashed clients
 * hold them, falco#1268) while `version` and `get` (pools of their own)
 * still answer. Falco sends nothing on `sub` when its queue is empty either,
 * so silence alone says nothing. When the `sub` call has been silent for
 * `quietMs` although it was polled, a `get` drains Falco's queue: alerts found
 * there were not taken by our polls. Two such finds in a row, with nothing on
 * `sub` in between, mean the call is starved (one find may be alerts that
 * arrived just after a poll). While starved, `get` runs at every poll, so the
 * queued alerts are delivered all the same; the first alert on `sub` ends it.
 * Alerts `get` takes are delivered like the others: nothing is lost to a probe.
 */
export class StarvationWatch {
  readonly #options: StarvationWatchOptions;
  #subActiveAt = performance.now();
  #sentAtActivity: number;
  #finds = 0;
  #starved = false;
  #fetching = false;
  #running: Promise<number> = Promise.resolve(0);

  constructor(options: StarvationWatchOptions) {
    this.#options = options;
    this.#sentAtActivity = options.pump.sent;
  }

  get starved(): boolean {
    return this.#starved;
  }

  /** An alert arrived on `sub`: the call is served. */
  subDelivered(): void {
    this.#subActiveAt = performance.now();
    this.#sentAtActivity = this.#options.pump.sent;
    this.#finds = 0;
    if (this.#starved) {
      this.#starved = false;
      this.#options.onStarved(false);
    }
  }

  /** Every liveness tick: probes a silent, polled `sub` call with a `get`. */
  async check(): Promise<void> {
    const { pump, quietMs } = this.#options;
    if (this.#starved || this.#fetching) return;
    if (performance.now() - this.#subActiveAt < quietMs) return;
    if (pump.sent - this.#sentAtActivity < 2) return; // not polled: nothing expected
    const activeBefore = this.#subActiveAt;
    const found = await this.#fetch();
    if (found === 0 || this.#subActiveAt !== activeBefore) return;
    this.#finds++;
    if (this.#finds >= 2 && !this.#starved) {
      this.#starved = true;
      this.#options.onStarved(true);
    }
  }

  /** Every poll: while starved, fetches the queue with `get` instead. */
  poll(): void {
    if (this.#starved && !this.#fetching) void this.#fetch();
  }

  /** Resolves once no `get` is running (what it took is delivered by then). */
  async idle(): Promise<void> {
    await this.#running;
  }

  #fetch(): Promise<number> {
    if (this.#fetching || !this.#options.mayFetch()) return Promise.resolve(0);
    this.#fetching = true;
    this.#running = this.#drainWithGet();
    return this.#running;
  }

  async #drainWithGet(): Promise<number> {
    const { connection, deliver, signal, waitForRoom, onAlert } = this.#options;
    let count = 0;
    try {
      for await (const message of connection.outputs.get({}, { signal })) {
        deliver(message);
        count++;
        onAlert();
        // Like the sub reader: past the limit, stop reading (flow control
        // holds Falco's get; its queue keeps the rest).
        await waitForRoom();
      }
    } catch {
      // A failed get says nothing about the sub call: the liveness check
      // watches the connection.
    } finally {
      this.#fetching = false;
    }
    return count;
  }
}
