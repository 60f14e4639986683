import type { SubscriptionEnd } from "./subscription-end.js";

/** Which item a full {@link BoundedQueue} loses: the oldest queued one, or the one offered. */
export type DropPolicy = "drop-oldest" | "drop-newest";

/** Options of a {@link BoundedQueue}. */
export interface BoundedQueueOptions<T> {
  /** Largest number of items held; beyond it `dropPolicy` applies. @default Infinity */
  readonly capacity?: number;
  /** Which item a full queue loses. @default "drop-oldest" */
  readonly dropPolicy?: DropPolicy;
  /** Called after each drop with the item lost and `dropped` so far. @default none */
  readonly onDrop?: (item: T, dropped: number) => void;
}

/** What `next()` resolves to: an item, or the end the queue was closed with once it is empty. */
export type QueueResult<T, End> = IteratorResult<T, End>;

type Waiter<T, End> = (result: QueueResult<T, End>) => void;

/** Drops consumed slots once this many lead the array and they are over half of it. */
const COMPACT_AFTER = 1024;

/**
 * A FIFO between one producer that must never wait (a socket, Falco's output worker) and a
 * consumer that reads when it can. It holds at most `capacity` items: a push beyond that
 * loses the oldest queued item (`"drop-oldest"`) or the item pushed (`"drop-newest"`), counted
 * in `dropped` and reported through `onDrop`, so memory stays bounded and nothing is lost
 * silently.
 *
 * Wake-ups: `next()` waits for an item; `whenBelow(n)` lets a producer that paused itself
 * wait until the consumer has taken enough; `close(end)` ends both. After `close()`, `next()`
 * still hands out what was queued, then resolves `{ done: true, value: end }`; `clear()`
 * empties the queue (for an end that discards, such as `unsubscribe()`).
 *
 * `End` is what `close()` takes, a {@link SubscriptionEnd} unless a user of the queue needs
 * another shape (e.g. an error that is not a `FalcoError` yet).
 */
export class BoundedQueue<T, End = SubscriptionEnd> {
  /** Largest number of items held. */
  readonly capacity: number;
  /** Which item a full queue loses. */
  readonly dropPolicy: DropPolicy;
  readonly #onDrop: ((item: T, dropped: number) => void) | undefined;
  #items: T[] = [];
  #head = 0;
  #received = 0;
  #dropped = 0;
  #end: { readonly value: End } | undefined;
  #waiters: Waiter<T, End>[] = [];
  #spaceWaiters: { readonly below: number; readonly wake: () => void }[] = [];

  constructor(options: BoundedQueueOptions<T> = {}) {
    const capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (!(capacity >= 1)) throw new RangeError(`capacity must be at least 1, got ${capacity}`);
    this.capacity = capacity;
    this.dropPolicy = options.dropPolicy ?? "drop-oldest";
    this.#onDrop = options.onDrop;
  }

  /** Items waiting to be taken. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Items pushed while open, including those dropped since. */
  get received(): number {
    return this.#received;
  }

  /** Items lost to the drop policy. */
  get dropped(): number {
    return this.#dropped;
  }

  /** True once `close()` was called (items may still be queued). */
  get isClosed(): boolean {
    return this.#end !== undefined;
  }

  /** The end given to `close()`, if it was called. */
  get end(): End | undefined {
    return this.#end?.value;
  }

  /**
   * Adds `item`, never waiting. False when the item itself was not queued: the queue is
   * closed (not counted) or full under `"drop-newest"` (counted as dropped).
   */
  push(item: T): boolean {
    if (this.#end) return false;
    this.#received++;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter({ done: false, value: item });
      return true;
    }
    if (this.size >= this.capacity) {
      if (this.dropPolicy === "drop-newest") {
        this.#drop(item);
        return false;
      }
      this.#drop(this.#take() as T);
    }
    this.#items.push(item);
    return true;
  }

  /** The oldest item, removed, or undefined when none waits (never waits itself). */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#take();
    if (this.#spaceWaiters.length > 0) this.#wakeSpaceWaiters(false);
    return item;
  }

  /**
   * The oldest item, waiting for one if none is queued; `{ done: true, value: end }` once
   * closed and empty. Rejects with `signal.reason` when `signal` aborts first (nothing is
   * taken then).
   */
  next(signal?: AbortSignal): Promise<QueueResult<T, End>> {
    if (this.size > 0) return Promise.resolve({ done: false, value: this.shift() as T });
    if (this.#end) return Promise.resolve({ done: true, value: this.#end.value });
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter<T, End> = (result) => {
        signal?.removeEventListener("abort", onAbort);
        resolve(result);
      };
      this.#waiters.push(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Resolves once fewer than `below` items are queued, at `close()`, or at `wake()`; the
   * caller re-checks its own condition (a producer pausing itself at a limit that may change).
   */
  whenBelow(below: number): Promise<void> {
    if (this.size < below || this.#end) return Promise.resolve();
    return new Promise((wake) => this.#spaceWaiters.push({ below, wake }));
  }

  /** Releases every `whenBelow()` waiter (its limit changed). */
  wake(): void {
    this.#wakeSpaceWaiters(true);
  }

  /**
   * Ends the queue: no more pushes; `next()` hands out what is queued, then `end`. Only the
   * first call counts. Returns whether this call closed it.
   */
  close(end: End): boolean {
    if (this.#end) return false;
    this.#end = { value: end };
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter({ done: true, value: end });
    this.#wakeSpaceWaiters(true);
    return true;
  }

  /** Removes and returns every queued item (not counted as dropped: the caller reports them). */
  clear(): T[] {
    const left = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    this.#wakeSpaceWaiters(false);
    return left;
  }

  /** Takes the oldest item; the queue must not be empty. */
  #take(): T | undefined {
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined as T;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > COMPACT_AFTER && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return item;
  }

  #drop(item: T): void {
    this.#dropped++;
    this.#onDrop?.(item, this.#dropped);
  }

  #wakeSpaceWaiters(all: boolean): void {
    if (this.#spaceWaiters.length === 0) return;
    const size = this.size;
    const waiting = this.#spaceWaiters;
    this.#spaceWaiters = [];
    for (const waiter of waiting) {
      if (all || size < waiter.below || this.#end) waiter.wake();
      else this.#spaceWaiters.push(waiter);
    }
  }
}
