/** What `AlertBuffer.shift()` returns once the producer has ended. */
export const END: unique symbol = Symbol("end");

/**
 * A FIFO between the reader of a `sub` stream and the consumer. `push` never
 * waits; `highWaterMark` tells the poller when to stop asking Falco for more
 * (each poll drains Falco's whole queue), and `drained()` lets the reader
 * pause until the consumer catches up.
 */
export class AlertBuffer<T> {
  private readonly items: T[] = [];
  private head = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private notEmpty: (() => void) | undefined;
  private belowHighWater: (() => void) | undefined;

  constructor(readonly highWaterMark: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** At or above the high-water mark: do not poll for more. */
  get full(): boolean {
    return this.size >= this.highWaterMark;
  }

  push(item: T): void {
    this.items.push(item);
    this.notEmpty?.();
  }

  /** Resolves once the consumer has brought the buffer under the high-water mark. */
  async drained(): Promise<void> {
    while (this.full && !this.ended && !this.failure) {
      await new Promise<void>((resolve) => {
        this.belowHighWater = resolve;
      });
    }
  }

  /** No more items: `shift` returns END once the buffer is empty. */
  end(): void {
    this.ended = true;
    this.notEmpty?.();
    this.belowHighWater?.();
  }

  /** The producer failed: `shift` throws `error` once the buffer is empty. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.notEmpty?.();
    this.belowHighWater?.();
  }

  async shift(): Promise<T | typeof END> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head] as T;
        this.items[this.head] = undefined as T;
        this.head++;
        if (!this.full) this.belowHighWater?.();
        if (this.head > 1024 && this.head * 2 > this.items.length) {
          this.items.splice(0, this.head);
          this.head = 0;
        }
        return item;
      }
      if (this.failure) throw this.failure.error;
      if (this.ended) return END;
      await new Promise<void>((resolve) => {
        this.notEmpty = resolve;
      });
      this.notEmpty = undefined;
    }
  }
}
