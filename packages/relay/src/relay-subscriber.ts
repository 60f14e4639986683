import {
  type Alert,
  QueuedSubscription,
  type QueuedSubscriptionOptions,
  type SubscriptionEnd,
} from "@falco-sdk/core";
import type { SubscriberKind } from "./relay-status.js";

/** What a subscriber tells its registry. */
export interface SubscriberHooks {
  /** Its full queue dropped its oldest alert. */
  readonly onOverflow: (subscriber: Subscriber) => void;
  /** It ended (once): it leaves the registry. */
  readonly onEnd: (subscriber: Subscriber, end: SubscriptionEnd) => void;
}

/**
 * One subscriber of a relay: core's {@link QueuedSubscription} over its own queue of
 * `maxQueued` alerts, losing its OLDEST alerts when it falls behind. An in-process subscriber
 * (`relay.subscribe()`) is iterated like any `AlertSubscription`; a gRPC call's subscriber is
 * drained by the call with `take()` each time the client polls.
 */
export class Subscriber extends QueuedSubscription {
  readonly connectedAt = new Date();
  /** performance.now() of its last `subscriber-dropping` event. */
  lastDropEventAt = Number.NEGATIVE_INFINITY;
  #written = 0;
  readonly #hooks: SubscriberHooks;

  constructor(
    readonly id: number,
    readonly kind: SubscriberKind,
    readonly peer: string,
    capacity: number,
    hooks: SubscriberHooks,
    filter?: QueuedSubscriptionOptions<Alert>["filter"],
  ) {
    super({ capacity, dropPolicy: "drop-oldest", filter });
    this.#hooks = hooks;
  }

  /** False once it has ended (its call or loop ended, or the relay closed). */
  get attached(): boolean {
    return this.end === undefined;
  }

  /** Alerts handed to it: written to its gRPC stream, or taken by its loop. */
  get handed(): number {
    return this.kind === "local" ? this.delivered : this.#written;
  }

  /** Alerts its full queue lost (not those discarded when it ended). */
  get overflowed(): number {
    return this.queue.dropped;
  }

  /** Queues `alert` for it (the registry's publish). */
  offer(alert: Alert): void {
    this.queue.push(alert);
  }

  /** The next queued alert for its gRPC call, if any (counted as written by `written()`). */
  take(): Alert | undefined {
    return this.queue.shift();
  }

  /** Counts an alert its gRPC call has written. */
  written(): void {
    this.#written++;
  }

  /** Ends it from the relay's side. */
  close(end: SubscriptionEnd): void {
    this.finish(end);
  }

  protected override finish(end: SubscriptionEnd): void {
    const first = this.end === undefined;
    super.finish(end);
    if (first) this.#hooks.onEnd(this, end);
  }

  protected override onOverflow(item: Alert): void {
    super.onOverflow(item);
    this.#hooks.onOverflow(this);
  }
}
