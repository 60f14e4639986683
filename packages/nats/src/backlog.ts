import { type Alert, BoundedQueue } from "@falco-sdk/core";
import { encodeAlert } from "./alert-message.js";
import type { ForwarderBacklog } from "./forwarder-backlog.js";
import { DEFAULT_SUBJECT_PREFIX } from "./subject.js";

/** One alert ready to publish. */
export interface OutgoingAlert {
  readonly subject: string;
  readonly id: string;
  readonly body: Uint8Array;
}

/**
 * The forwarder's bounded FIFO of alerts not yet acknowledged by JetStream: a core
 * `BoundedQueue` (drop-oldest, so the newest are kept and the source never waits) and the one
 * alert whose publish is in flight, taken out of it until JetStream acks it. The in-flight alert
 * counts in `size`, and is never the one a full backlog drops while others are queued
 * (JetStream may have it already): the oldest queued one goes instead.
 */
export class Backlog implements ForwarderBacklog {
  readonly #queue: BoundedQueue<OutgoingAlert, void>;
  #inFlight: OutgoingAlert | undefined;
  /** Drops made here rather than by the queue (to keep the in-flight alert). */
  #droppedHere = 0;
  #emptyWaiters: (() => void)[] = [];
  /** The publisher waits in `next()` for the queue's next alert. */
  #waiting = false;

  constructor(
    readonly capacity: number,
    private readonly prefix = DEFAULT_SUBJECT_PREFIX,
  ) {
    this.#queue = new BoundedQueue({ capacity });
  }

  /** Alerts waiting, the one in flight included. */
  get size(): number {
    return this.#queue.size + (this.#inFlight ? 1 : 0);
  }

  /** Alerts dropped because the backlog was full. */
  get dropped(): number {
    return this.#queue.dropped + this.#droppedHere;
  }

  /** Encodes an alert read from a source and adds it (see `push`). */
  take(alert: Alert): boolean {
    return this.push(encodeAlert(this.prefix, alert));
  }

  /** Nothing to save: what is in memory is lost with the process. */
  close(): void {}

  /** Adds an alert, never waiting; returns true when the oldest had to be dropped for it. */
  push(item: OutgoingAlert): boolean {
    const before = this.dropped;
    if (this.#inFlight && this.size >= this.capacity) {
      // Make room beside the alert in flight: the oldest queued one goes, or with a capacity
      // of 1 the one in flight (its ack, if it comes, is still counted as published).
      if (this.#queue.shift() === undefined) this.#inFlight = undefined;
      this.#droppedHere++;
    }
    const queued = this.#queue.size;
    this.#queue.push(item);
    // The queue hands an alert straight to a waiting next(): it is in flight from now on, so
    // `size` counts it before that next() resumes (forward() must not see an empty backlog).
    if (this.#waiting && this.#queue.size === queued) {
      this.#waiting = false;
      this.#inFlight = item;
    }
    return this.dropped > before;
  }

  /** The alert to publish: the one in flight, else the oldest, which is then in flight. */
  current(): OutgoingAlert | undefined {
    this.#inFlight ??= this.#queue.shift();
    return this.#inFlight;
  }

  /**
   * Waits for an alert when none is queued, and makes it the one in flight; resolves
   * undefined when `signal` aborts first.
   */
  async next(signal: AbortSignal): Promise<OutgoingAlert | undefined> {
    if (this.current()) return this.#inFlight;
    this.#waiting = true;
    const result = await this.#queue.next(signal).catch(() => undefined);
    this.#waiting = false;
    // The alert handed over, unless a full backlog of capacity 1 dropped it meanwhile.
    return result && !result.done ? this.current() : undefined;
  }

  /** `item` was acked or rejected: it leaves the backlog (unless it was dropped meanwhile). */
  settle(item: OutgoingAlert): void {
    if (this.#inFlight !== item) return;
    this.#inFlight = undefined;
    this.#queue.wake();
    if (this.size === 0) for (const wake of this.#emptyWaiters.splice(0)) wake();
  }

  /** Resolves once fewer than `below` alerts wait, or at `wake()`; callers check again. */
  whenBelow(below: number): Promise<void> {
    return this.#queue.whenBelow(below - (this.#inFlight ? 1 : 0));
  }

  /** Resolves once the backlog is empty, or at `wake()`; callers check again. */
  whenEmpty(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#emptyWaiters.push(resolve));
  }

  /** Releases every waiter (the forwarder failed or closed). */
  wake(): void {
    this.#queue.wake();
    for (const wake of this.#emptyWaiters.splice(0)) wake();
  }
}
