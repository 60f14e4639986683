import type { Alert } from "./alert.js";
import { BoundedQueue } from "./bounded-queue.js";
import { QueuedSubscription, type QueuedSubscriptionOptions } from "./queued-subscription.js";
import type { SubscriptionEnd } from "./subscription-end.js";

/** Options of `BoundedFanout.subscribe()`. */
export type FanoutSubscribeOptions<T> = Omit<
  QueuedSubscriptionOptions<T>,
  "capacity" | "dropPolicy"
>;

/**
 * One subscriber of a {@link BoundedFanout}: a {@link QueuedSubscription} of its own queue of
 * at most the fan-out's `capacity` alerts, dropping its oldest when it falls behind.
 */
export class FanoutSubscription<T extends Alert = Alert> extends QueuedSubscription<T> {
  readonly #onOverflowed: (subscription: FanoutSubscription<T>) => void;

  /** @internal Made by `BoundedFanout.subscribe()`. */
  constructor(
    capacity: number,
    options: FanoutSubscribeOptions<T>,
    onOverflowed: (subscription: FanoutSubscription<T>) => void,
  ) {
    super({ ...options, capacity, dropPolicy: "drop-oldest" });
    this.#onOverflowed = onOverflowed;
  }

  /** Alerts this subscriber's full queue lost (not those discarded at its end). */
  get overflowed(): number {
    return this.queue.dropped;
  }

  /** Queues `item` for this subscriber (the fan-out's publish). */
  offer(item: T): void {
    this.queue.push(item);
  }

  /** Ends it from the producer's side (e.g. the source closed): `"aborted"`, `"completed"`, ... */
  close(end: SubscriptionEnd): void {
    this.finish(end);
  }

  /** Counts the alert this subscriber's full queue dropped and tells the fan-out (its `dropped`, `onDrop`). */
  protected override onOverflow(item: T): void {
    super.onOverflow(item);
    this.#onOverflowed(this);
  }
}

/**
 * Hands every published alert to every subscription (fan-out), each through its own queue of
 * at most `capacity` alerts. A subscription that falls behind loses its OLDEST alerts, counted
 * on it (`overflowed`, `dropped` status events) and in `dropped`; the publisher never waits and
 * memory stays bounded. Alerts published while no subscription is attached wait (up to
 * `capacity`, oldest dropped first) for the first one to attach. The loop over each
 * subscription is `QueuedSubscription`'s: one iteration each, ended by `unsubscribe()`,
 * `break`, its signal, `await using` or `closeAll()`.
 */
export class BoundedFanout<T extends Alert = Alert> {
  readonly #subscriptions = new Set<FanoutSubscription<T>>();
  readonly #unclaimed: BoundedQueue<T>;
  #dropped = 0;

  /**
   * @param capacity largest queue per subscription (and of the unclaimed queue)
   * @param onDrop called after each drop with `dropped` and the subscription that lost an
   *   alert (undefined for the unclaimed queue)
   */
  constructor(
    /** Largest queue per subscription, and of the queue of alerts published while none is attached. */
    readonly capacity: number,
    private readonly onDrop: (
      total: number,
      subscription: FanoutSubscription<T> | undefined,
    ) => void = () => {},
  ) {
    this.#unclaimed = new BoundedQueue<T>({
      capacity,
      onDrop: () => this.#countDrop(undefined),
    });
  }

  /** Alerts published so far. */
  received = 0;

  /** Alerts dropped so far, over every subscription's queue and the unclaimed queue. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Subscriptions attached now. */
  get consumerCount(): number {
    return this.#subscriptions.size;
  }

  /** Alerts waiting now, over every queue. */
  get queued(): number {
    let n = this.#unclaimed.size;
    for (const s of this.#subscriptions) n += s.pending;
    return n;
  }

  /**
   * Hands `item` to every subscription attached now, or to the unclaimed queue when none is;
   * never waits: a full queue drops its oldest alert (counted in `dropped`).
   */
  publish(item: T): void {
    this.received++;
    if (this.#subscriptions.size === 0) {
      this.#unclaimed.push(item);
      return;
    }
    for (const subscription of this.#subscriptions) subscription.offer(item);
  }

  /**
   * A new subscription, attached at once (alerts queue for it from this call on); it starts
   * with whatever waited unclaimed, and detaches when it ends.
   */
  subscribe(options: FanoutSubscribeOptions<T> = {}): FanoutSubscription<T> {
    // Undefined while its constructor runs (an aborted signal ends it there, unattached).
    let attached: FanoutSubscription<T> | undefined;
    const subscription = new FanoutSubscription<T>(
      this.capacity,
      {
        ...options,
        onEnd: (end, discarded) => {
          if (attached) this.#subscriptions.delete(attached);
          return options.onEnd?.(end, discarded);
        },
      },
      (s) => this.#countDrop(s),
    );
    if (subscription.end) return subscription; // its signal had aborted
    attached = subscription;
    this.#subscriptions.add(subscription);
    for (const item of this.#unclaimed.clear()) subscription.offer(item);
    return subscription;
  }

  /** Ends every subscription with `end` (e.g. `"aborted"` when the source closes). */
  closeAll(end: SubscriptionEnd): void {
    for (const subscription of [...this.#subscriptions]) subscription.close(end);
  }

  #countDrop(subscription: FanoutSubscription<T> | undefined): void {
    this.#dropped++;
    this.onDrop(this.#dropped, subscription);
  }
}
