import type { Alert } from "@falco-sdk/core";

/** One consumer's queue. */
export interface Consumer {
  readonly queue: Alert[];
  wake: (() => void) | undefined;
  dropped: number;
}

/**
 * Hands every received alert to every consumer (fan-out), each through a
 * queue of at most `capacity` alerts. A consumer that falls behind loses its
 * OLDEST alerts, counted, never the sender's time: Falco does not retry a
 * failed POST, so refusing would lose the alert anyway and block Falco's
 * output worker. Alerts that arrive with no consumer attached wait (up to
 * `capacity`) for the first one.
 */
export class AlertFanout {
  private readonly consumers = new Set<Consumer>();
  private readonly unclaimed: Alert[] = [];
  received = 0;
  dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly onDrop: (count: number) => void,
  ) {}

  get consumerCount(): number {
    return this.consumers.size;
  }

  get queued(): number {
    let n = this.unclaimed.length;
    for (const c of this.consumers) n += c.queue.length;
    return n;
  }

  publish(alert: Alert): void {
    this.received++;
    if (this.consumers.size === 0) {
      this.push(this.unclaimed, alert);
      return;
    }
    for (const consumer of this.consumers) {
      if (this.push(consumer.queue, alert)) consumer.dropped++;
      consumer.wake?.();
    }
  }

  /** Adds `alert`; true when the oldest alert had to be dropped for it. */
  private push(queue: Alert[], alert: Alert): boolean {
    queue.push(alert);
    if (queue.length <= this.capacity) return false;
    queue.shift();
    this.dropped++;
    this.onDrop(this.dropped);
    return true;
  }

  attach(): Consumer {
    const consumer: Consumer = { queue: this.unclaimed.splice(0), wake: undefined, dropped: 0 };
    this.consumers.add(consumer);
    return consumer;
  }

  detach(consumer: Consumer): void {
    this.consumers.delete(consumer);
    consumer.wake?.();
  }
}
