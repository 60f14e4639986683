/** What `BoundedBuffer.shift()` returns once the producer has ended. */
export const END: unique symbol = Symbol("end");

/**
 * A FIFO between one producer and one consumer that holds at most `capacity`
 * items: `push` waits while it is full, `shift` waits while it is empty.
 */
export class BoundedBuffer<T> {
  private readonly items: T[] = [];
  private ended = false;
  private failure: { error: unknown } | undefined;
  private notEmpty: (() => void) | undefined;
  private notFull: (() => void) | undefined;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length;
  }

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  async push(item: T): Promise<void> {
    while (this.full && !this.ended && !this.failure) {
      await new Promise<void>((resolve) => {
        this.notFull = resolve;
      });
    }
    this.items.push(item);
    this.notEmpty?.();
  }

  /** No more items: `shift` returns END once the buffer is empty. */
  end(): void {
    this.ended = true;
    this.notEmpty?.();
    this.notFull?.();
  }

  /** The producer failed: `shift` throws `error` once the buffer is empty. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.notEmpty?.();
    this.notFull?.();
  }

  async shift(): Promise<T | typeof END> {
    for (;;) {
      if (this.items.length > 0) {
        const item = this.items.shift() as T;
        this.notFull?.();
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
