import { type Alert, BoundedQueue, type SubscriptionEnd } from "@falco-sdk/core";
import type { EventHub } from "@falco-sdk/core/internal";
import { encodedFrame } from "./encoded-frame.js";
import type { RelayStats, SourceStats, SubscriberStats } from "./relay-stats.js";
import type { RelayStatus, SubscriberKind } from "./relay-status.js";
import { Subscriber } from "./relay-subscriber.js";

export { Subscriber } from "./relay-subscriber.js";

/** Shortest time between two "subscriber-dropping" events of one subscriber. */
const DROP_EVENT_INTERVAL_MS = 1000;

/** Mutable counters of one source. */
export interface SourceCounter {
  readonly name: string;
  received: number;
  active: boolean;
}

/**
 * Every subscriber of a relay, the fan-out that feeds them and the counters `stats()`
 * reports: each subscriber has its own queue of `maxQueued` alerts and loses its own oldest
 * alerts when it falls behind, never anyone else's. Alerts that come while nobody is
 * subscribed wait (up to `maxQueued`) for the first subscriber.
 */
export class SubscriberRegistry {
  readonly #subscribers = new Set<Subscriber>();
  readonly #unclaimed: BoundedQueue<Alert>;
  readonly #status: EventHub<RelayStatus>;
  readonly #maxQueued: number;
  readonly sources: SourceCounter[] = [];
  #nextId = 1;
  #received = 0;
  /** Handed to and lost by subscribers that have left. */
  #deliveredByGone = 0;
  #droppedByGone = 0;
  #idleWaiters: (() => void)[] = [];
  /** Attached subscribers of gRPC calls (`sub`, `get`): they are written encoded frames. */
  #wireSubscribers = 0;

  constructor(maxQueued: number, status: EventHub<RelayStatus>) {
    this.#status = status;
    this.#maxQueued = maxQueued;
    this.#unclaimed = new BoundedQueue<Alert>({ capacity: maxQueued });
  }

  addSource(name: string): SourceCounter {
    const counter: SourceCounter = { name, received: 0, active: true };
    this.sources.push(counter);
    return counter;
  }

  publish(source: SourceCounter, alert: Alert): void {
    source.received++;
    this.#received++;
    if (this.#subscribers.size === 0) {
      this.#unclaimed.push(alert);
      return;
    }
    // Encoded now, in the turn that received the alert (after the HTTP receiver's answer, while
    // Falco's worker makes its next POST), rather than when a subscriber polls: a poll then
    // writes frames ready for it, and a batch of encodings never holds up an answer to Falco.
    if (this.#wireSubscribers > 0) encodedFrame(alert);
    for (const subscriber of this.#subscribers) subscriber.offer(alert);
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /**
   * A new subscriber, attached at once (alerts queue for it from this call on), starting
   * with the alerts that waited for a first subscriber. It leaves when it ends.
   */
  attach(
    kind: SubscriberKind,
    peer: string,
    options: { signal?: AbortSignal; filter?: (alert: Alert) => boolean } = {},
  ): Subscriber {
    const { signal } = options;
    const abort = () => subscriber.close({ reason: "aborted" });
    const subscriber = new Subscriber(
      this.#nextId++,
      kind,
      peer,
      this.#maxQueued,
      {
        onOverflow: (s) => this.#overflowed(s),
        onEnd: (s) => {
          signal?.removeEventListener("abort", abort);
          this.#left(s);
        },
      },
      options.filter,
    );
    this.#status.publish({ type: "subscriber-connected", subscriber: subscriber.id, kind, peer });
    this.#subscribers.add(subscriber);
    if (kind !== "local") this.#wireSubscribers++;
    for (const alert of this.#unclaimed.clear()) subscriber.offer(alert);
    if (signal?.aborted) abort();
    else signal?.addEventListener("abort", abort, { once: true });
    return subscriber;
  }

  /** Idempotent. Whatever was still queued for the subscriber is discarded. */
  detach(subscriber: Subscriber): void {
    subscriber.unsubscribe();
  }

  /** Ends every subscriber, or those of `kind` (their loops and calls end). */
  detachAll(end: SubscriptionEnd = { reason: "completed" }, kind?: SubscriberKind): void {
    for (const subscriber of [...this.#subscribers]) {
      if (kind === undefined || subscriber.kind === kind) subscriber.close(end);
    }
  }

  /** Resolves when no subscriber is attached. */
  whenEmpty(): Promise<void> {
    if (this.#subscribers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #overflowed(subscriber: Subscriber): void {
    const now = performance.now();
    if (now - subscriber.lastDropEventAt < DROP_EVENT_INTERVAL_MS) return;
    subscriber.lastDropEventAt = now;
    this.#status.publish({
      type: "subscriber-dropping",
      subscriber: subscriber.id,
      dropped: subscriber.overflowed,
    });
  }

  #left(subscriber: Subscriber): void {
    if (!this.#subscribers.delete(subscriber)) return;
    if (subscriber.kind !== "local") this.#wireSubscribers--;
    this.#deliveredByGone += subscriber.handed;
    this.#droppedByGone += subscriber.overflowed;
    this.#status.publish({
      type: "subscriber-disconnected",
      subscriber: subscriber.id,
      delivered: subscriber.handed,
      dropped: subscriber.overflowed,
    });
    if (this.#subscribers.size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  stats(): Omit<RelayStats, "rejectedRequests"> {
    const subscribers: SubscriberStats[] = [];
    let delivered = this.#deliveredByGone;
    let dropped = this.#droppedByGone + this.#unclaimed.dropped;
    for (const s of this.#subscribers) {
      delivered += s.handed;
      dropped += s.overflowed;
      subscribers.push({
        id: s.id,
        kind: s.kind,
        peer: s.peer,
        connectedAt: s.connectedAt,
        delivered: s.handed,
        dropped: s.overflowed,
        queued: s.pending,
      });
    }
    const sources: SourceStats[] = this.sources.map((s) => ({ ...s }));
    return { sources, subscribers, received: this.#received, delivered, dropped };
  }
}
