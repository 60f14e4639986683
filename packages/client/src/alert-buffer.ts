/** What `AlertBuffer.shift()` returns once the producer has ended. */
export const END: unique symbol = Symbol("end");

/**
 * A FIFO between the reader of a `sub` stream and the consumer. `push` never
 * waits; `highWaterMark` tells the poller when to stop asking Falco for more
 * (each poll drains Falco's whole queue), and `changed()` lets a producer
 * pause until the consumer takes something (it re-checks its own limit).
 */
export class AlertBuffer<T> {
  private readonly items: T[] = [];
  private head = 0;
  private ended = false;
  private failure: { error: unknown } | undefined;
  private notEmpty: (() => void) | undefined;
  private producers: (() => void)[] = [];

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

  /** True once ended or failed: producers must not wait any more. */
  get closed(): boolean {
    return this.ended || this.failure !== undefined;
  }

  /** Resolves at the next `shift()`, `end()`, `fail()` or `wake()`. */
  changed(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => this.producers.push(resolve));
  }

  /** Releases the producers waiting in `changed()` (their limit changed). */
  wake(): void {
    const producers = this.producers;
    if (producers.length === 0) return;
    this.producers = [];
    for (const resolve of producers) resolve();
  }

  /** Empties the buffer and returns what it held (the consumer is gone). */
  clear(): T[] {
    const left = this.items.slice(this.head);
    this.items.length = 0;
    this.head = 0;
    return left;
  }

  /** No more items: `shift` returns END once the buffer is empty. */
  end(): void {
    this.ended = true;
    this.notEmpty?.();
    this.wake();
  }

  /** The producer failed: `shift` throws `error` once the buffer is empty. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.notEmpty?.();
    this.wake();
  }

  async shift(): Promise<T | typeof END> {
    for (;;) {
      if (this.head < this.items.length) {
        const item = this.items[this.head] as T;
        this.items[this.head] = undefined as T;
        this.head++;
        this.wake();
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
