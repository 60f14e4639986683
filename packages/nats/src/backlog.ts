/** One alert ready to publish. */
export interface OutgoingAlert {
  readonly subject: string;
  readonly id: string;
  readonly body: Uint8Array;
}

/**
 * The forwarder's bounded FIFO of alerts not yet acknowledged by JetStream. When full, the
 * oldest alert is dropped (and counted) so the newest are kept and the source never waits.
 */
export class Backlog {
  private items: (OutgoingAlert | undefined)[] = [];
  private head = 0;
  private waiters: (() => void)[] = [];
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** The oldest alert is being published: a full backlog drops the next oldest instead. */
  inFlight: OutgoingAlert | undefined;

  /** Adds an alert; returns true when the oldest one had to be dropped to make room. */
  push(item: OutgoingAlert): boolean {
    let dropped = false;
    if (this.size >= this.capacity) {
      const head = this.items[this.head];
      if (head !== undefined && head === this.inFlight && this.size >= 2) {
        // Keep the one in flight (JetStream may have it already): drop the one after it.
        this.items[this.head + 1] = head;
        this.items[this.head++] = undefined;
      } else {
        this.shift();
      }
      this.dropped++;
      dropped = true;
    }
    this.items.push(item);
    this.wake();
    return dropped;
  }

  peek(): OutgoingAlert | undefined {
    return this.items[this.head];
  }

  shift(): OutgoingAlert | undefined {
    const item = this.items[this.head];
    if (item === undefined) return undefined;
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.wake();
    return item;
  }

  /** Resolves at the next push or shift. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
