import { type Alert, BoundedFanout, type EventHub, type FanoutConsumer } from "@falco-sdk/core";
import type { RelayStats, SourceStats, SubscriberStats } from "./relay-stats.js";
import type { RelayStatus, SubscriberKind } from "./relay-status.js";

/** Shortest time between two "subscriber-dropping" events of one subscriber. */
const DROP_EVENT_INTERVAL_MS = 1000;

/** One attached subscriber: its own bounded queue and counters. */
export class Subscriber {
  delivered = 0;
  lastDropEventAt = Number.NEGATIVE_INFINITY;
  readonly connectedAt = new Date();
  attached = true;

  constructor(
    readonly id: number,
    readonly kind: SubscriberKind,
    readonly peer: string,
    readonly consumer: FanoutConsumer<Alert>,
  ) {}

  /** Next alert of its queue, if any. */
  take(): Alert | undefined {
    return this.consumer.queue.shift();
  }

  /** Resolves when an alert is queued, the subscriber is detached or `signal` aborts. */
  waitForAlert(signal: AbortSignal): Promise<void> {
    if (this.consumer.queue.length > 0 || !this.attached || signal.aborted) {
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        this.consumer.wake = undefined;
        signal.removeEventListener("abort", done);
        resolve();
      };
      this.consumer.wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

/** Mutable counters of one source. */
export interface SourceCounter {
  readonly name: string;
  received: number;
  active: boolean;
}

/**
 * Every subscriber of a relay, the fan-out that feeds them and the counters
 * `stats()` reports: each subscriber has its own queue of `maxQueued` alerts
 * and loses its own oldest alerts when it falls behind, never anyone else's.
 */
export class SubscriberRegistry {
  readonly #fanout: BoundedFanout<Alert>;
  readonly #subscribers = new Map<FanoutConsumer<Alert>, Subscriber>();
  readonly #status: EventHub<RelayStatus>;
  readonly sources: SourceCounter[] = [];
  #nextId = 1;
  /** Delivered by subscribers that have left. */
  #deliveredByGone = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(maxQueued: number, status: EventHub<RelayStatus>) {
    this.#status = status;
    this.#fanout = new BoundedFanout<Alert>(maxQueued, (_total, consumer) => {
      const subscriber = consumer && this.#subscribers.get(consumer);
      if (subscriber === undefined) return;
      const now = performance.now();
      if (now - subscriber.lastDropEventAt >= DROP_EVENT_INTERVAL_MS) {
        subscriber.lastDropEventAt = now;
        status.publish({
          type: "subscriber-dropping",
          subscriber: subscriber.id,
          dropped: subscriber.consumer.dropped,
        });
      }
    });
  }

  addSource(name: string): SourceCounter {
    const counter: SourceCounter = { name, received: 0, active: true };
    this.sources.push(counter);
    return counter;
  }

  publish(source: SourceCounter, alert: Alert): void {
    source.received++;
    this.#fanout.publish(alert);
  }

  get size(): number {
    return this.#subscribers.size;
  }

  attach(kind: SubscriberKind, peer: string): Subscriber {
    const consumer = this.#fanout.attach();
    const subscriber = new Subscriber(this.#nextId++, kind, peer, consumer);
    this.#subscribers.set(consumer, subscriber);
    this.#status.publish({ type: "subscriber-connected", subscriber: subscriber.id, kind, peer });
    return subscriber;
  }

  /** Idempotent. Whatever was still queued for the subscriber is discarded. */
  detach(subscriber: Subscriber): void {
    if (!subscriber.attached) return;
    subscriber.attached = false;
    this.#subscribers.delete(subscriber.consumer);
    this.#fanout.detach(subscriber.consumer);
    subscriber.consumer.queue.length = 0;
    this.#deliveredByGone += subscriber.delivered;
    this.#status.publish({
      type: "subscriber-disconnected",
      subscriber: subscriber.id,
      delivered: subscriber.delivered,
      dropped: subscriber.consumer.dropped,
    });
    if (this.#subscribers.size === 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  /** Detaches everyone (their loops and calls end). */
  detachAll(): void {
    for (const subscriber of [...this.#subscribers.values()]) this.detach(subscriber);
  }

  /** Resolves when no subscriber is attached. */
  whenEmpty(): Promise<void> {
    if (this.#subscribers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  stats(): Omit<RelayStats, "rejectedRequests"> {
    const subscribers: SubscriberStats[] = [];
    let delivered = this.#deliveredByGone;
    for (const s of this.#subscribers.values()) {
      delivered += s.delivered;
      subscribers.push({
        id: s.id,
        kind: s.kind,
        peer: s.peer,
        connectedAt: s.connectedAt,
        delivered: s.delivered,
        dropped: s.consumer.dropped,
        queued: s.consumer.queue.length,
      });
    }
    const sources: SourceStats[] = this.sources.map((s) => ({ ...s }));
    return {
      sources,
      subscribers,
      received: this.#fanout.received,
      delivered,
      dropped: this.#fanout.dropped,
    };
  }
}
