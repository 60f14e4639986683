/** @deprecated One consumer's queue in the legacy `BoundedFanout`. */
export interface FanoutConsumer<T> {
  /** Items waiting for this consumer, oldest first. Take them with `shift()`. */
  readonly queue: T[];
  /** Set by the consumer while it waits; called when an item arrives or it is detached. */
  wake: (() => void) | undefined;
  /** Items this consumer lost because its queue was full (oldest first). */
  dropped: number;
}

/**
 * @deprecated The fan-out before `@falco-sdk/core/internal`'s `BoundedFanout` (whose
 * subscriptions are `QueuedSubscription`s); kept only until the relay and the HTTP receiver
 * have moved to that one, then removed.
 *
 * Hands every published item to every consumer (fan-out), each through its
 * own queue of at most `capacity` items. A consumer that falls behind loses
 * its OLDEST items, counted on the consumer and in `dropped`; the publisher
 * never waits and memory stays bounded. Items published while no consumer is
 * attached wait (up to `capacity`) for the first consumer to attach.
 */
export class BoundedFanout<T> {
  private readonly consumers = new Set<FanoutConsumer<T>>();
  private readonly unclaimed: T[] = [];
  /** Items published so far. */
  received = 0;
  /** Items dropped so far, over every consumer and the unclaimed queue. */
  dropped = 0;

  /**
   * @param capacity largest queue per consumer (and of the unclaimed queue)
   * @param onDrop called after each drop with `dropped` and the consumer that lost an item
   *   (undefined for the unclaimed queue)
   */
  constructor(
    private readonly capacity: number,
    private readonly onDrop: (total: number, consumer: FanoutConsumer<T> | undefined) => void,
  ) {}

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** Items waiting now, over every queue. */
  get queued(): number {
    let n = this.unclaimed.length;
    for (const c of this.consumers) n += c.queue.length;
    return n;
  }

  publish(item: T): void {
    this.received++;
    if (this.consumers.size === 0) {
      if (this.push(this.unclaimed, item)) this.onDrop(this.dropped, undefined);
      return;
    }
    for (const consumer of this.consumers) {
      if (this.push(consumer.queue, item)) {
        consumer.dropped++;
        this.onDrop(this.dropped, consumer);
      }
      consumer.wake?.();
    }
  }

  /** Adds `item`; true when the oldest item had to be dropped for it. */
  private push(queue: T[], item: T): boolean {
    queue.push(item);
    if (queue.length <= this.capacity) return false;
    queue.shift();
    this.dropped++;
    return true;
  }

  /** A new consumer; it starts with whatever waited unclaimed. */
  attach(): FanoutConsumer<T> {
    const consumer: FanoutConsumer<T> = {
      queue: this.unclaimed.splice(0),
      wake: undefined,
      dropped: 0,
    };
    this.consumers.add(consumer);
    return consumer;
  }

  /** Removes `consumer` (its queue is left as it is) and wakes it. */
  detach(consumer: FanoutConsumer<T>): void {
    this.consumers.delete(consumer);
    consumer.wake?.();
  }
}
