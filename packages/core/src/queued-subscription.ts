import type { Alert } from "./alert.js";
import type { AlertSubscription } from "./alert-subscription.js";
import { BoundedQueue, type DropPolicy } from "./bounded-queue.js";
import { AlreadyIteratedError } from "./errors.js";
import { EventHub } from "./event-hub.js";
import type { DroppedEvent, SubscriptionClosedEvent } from "./status-event.js";
import type { SubscriptionEnd } from "./subscription-end.js";

/** Options of a {@link QueuedSubscription}. */
export interface QueuedSubscriptionOptions<T> {
  /** Alerts held for the loop; beyond it `dropPolicy` applies. @default Infinity */
  readonly capacity?: number;
  /** Which alert a full queue loses. @default "drop-oldest" */
  readonly dropPolicy?: DropPolicy;
  /** Ends the subscription (`"aborted"`) when aborted. @default none */
  readonly signal?: AbortSignal;
  /** Only alerts it accepts reach the loop (the others are taken and skipped). @default all */
  readonly filter?: (item: T) => boolean;
  /**
   * Called once at the end, with why and the alerts still queued (discarded when the consumer
   * ended it); a promise it returns is awaited by `Symbol.asyncDispose`. @default none
   */
  readonly onEnd?: (end: SubscriptionEnd, discarded: readonly T[]) => void | Promise<void>;
}

/**
 * An {@link AlertSubscription} over a {@link BoundedQueue}: the one consumer loop, end and
 * status stream of the SDK's subscriptions. The producer (a subclass, such as a fan-out's
 * subscription) pushes into `queue` and ends it with `finish()`.
 *
 * - `unsubscribe()`, `break` or `await using` end it as `"unsubscribed"`, its signal as
 *   `"aborted"`: the loop stops at once, and what was queued is discarded and reported in a
 *   `dropped` event.
 * - `finish({ reason: "completed" })` or `"failed"`: the loop first takes what is queued, then
 *   ends (or throws the failure's error).
 * - Alerts the queue's drop policy loses are reported in `dropped` events too (one per burst).
 * - The first end wins: `closed` resolves with it and `status()` ends with it.
 */
export class QueuedSubscription<
  T extends Alert = Alert,
  E extends { readonly type: string } = DroppedEvent,
> implements AlertSubscription<T, E | DroppedEvent | SubscriptionClosedEvent>
{
  /** What the loop reads; the producer pushes here. */
  protected readonly queue: BoundedQueue<T>;
  /** Resolves once the subscription has ended, with why; never rejects. */
  readonly closed: Promise<SubscriptionEnd>;
  readonly #hub = new EventHub<E | DroppedEvent | SubscriptionClosedEvent>();
  readonly #filter: ((item: T) => boolean) | undefined;
  readonly #signal: AbortSignal | undefined;
  readonly #onEnd: QueuedSubscriptionOptions<T>["onEnd"];
  #resolveClosed!: (end: SubscriptionEnd) => void;
  #end: SubscriptionEnd | undefined;
  #cleanup: Promise<void> = Promise.resolve();
  #iterated = false;
  #delivered = 0;
  #dropped = 0;
  #unreportedDrops = 0;

  constructor(options: QueuedSubscriptionOptions<T> = {}) {
    this.queue = new BoundedQueue<T>({
      capacity: options.capacity,
      dropPolicy: options.dropPolicy,
      onDrop: (item) => this.onOverflow(item),
    });
    this.#filter = options.filter;
    this.#onEnd = options.onEnd;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    this.#signal = options.signal;
    if (this.#signal?.aborted) this.finish({ reason: "aborted" });
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** Alerts received and not yet handed to the loop. */
  get pending(): number {
    return this.queue.size;
  }

  /** Alerts handed to the loop so far. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Alerts lost so far: dropped by a full queue, or discarded at the end. */
  get dropped(): number {
    return this.#dropped;
  }

  /** How it ended, once it has. */
  get end(): SubscriptionEnd | undefined {
    return this.#end;
  }

  /**
   * Ends the subscription as `"unsubscribed"`: the loop stops at once and what was queued is
   * discarded (reported in a `dropped` event). Does nothing once it has ended.
   */
  unsubscribe(): void {
    this.finish({ reason: "unsubscribed" });
  }

  /**
   * Its status events from now on: `dropped` (alerts lost, one event per burst), the subclass's
   * own events, and last `closed` with why it ended. After the end, an iterable of that `closed`
   * event alone. A status reader that falls behind loses its oldest events beyond 100.
   */
  status(): AsyncIterable<E | DroppedEvent | SubscriptionClosedEvent> {
    return {
      [Symbol.asyncIterator]: () => {
        const end = this.#end;
        if (end === undefined) return this.#hub.subscribe()[Symbol.asyncIterator]();
        return (async function* () {
          yield { type: "closed", ...end } as SubscriptionClosedEvent;
        })();
      },
    };
  }

  /**
   * The loop over its alerts (once): ends when the subscription ends, throws the error of a
   * `"failed"` end, and ends the subscription when the loop is left early (`break`, `return`).
   * @throws AlreadyIteratedError when iterated a second time (subscribe again for another loop).
   */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.#iterated) {
      throw new AlreadyIteratedError(
        "this subscription is already iterated (each feeds one loop): subscribe again for another loop",
      );
    }
    this.#iterated = true;
    if (this.#end === undefined) this.onStart();
    return this.#iterate();
  }

  /** For `await using`: unsubscribes, then awaits the promise `onEnd` returned, if any. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.unsubscribe();
    await this.#cleanup;
  }

  /** Called at the first iteration unless it has ended already: start producing here. */
  protected onStart(): void {}

  /**
   * Called once at the end (from `finish()`), with the alerts it discarded; `asyncDispose`
   * awaits a promise it returns. Calls the `onEnd` option by default. It may run inside the
   * constructor (a signal that had aborted), before a subclass's fields exist.
   */
  protected onEnd(end: SubscriptionEnd, discarded: readonly T[]): void | Promise<void> {
    return this.#onEnd?.(end, discarded);
  }

  /**
   * Ends the subscription with `end` (only the first end counts): closes the queue, discards
   * what is queued when the consumer ended it, publishes `closed` and resolves `closed`.
   */
  protected finish(end: SubscriptionEnd): void {
    if (this.#end) {
      // A consumer ending a completed subscription still lets go of what is queued.
      if (end.reason === "unsubscribed" || end.reason === "aborted") this.#discard();
      return;
    }
    this.#end = end;
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.queue.close(end);
    const discarded =
      end.reason === "unsubscribed" || end.reason === "aborted" ? this.#discard() : [];
    this.#reportDrops();
    try {
      this.#cleanup = Promise.resolve(this.onEnd(end, discarded)).catch(() => {});
    } catch {}
    this.#hub.publish({ type: "closed", ...end } as SubscriptionClosedEvent);
    this.#resolveClosed(end);
  }

  /** Called for each alert the full queue dropped: counts and reports it. */
  protected onOverflow(_item: T): void {
    this.countDropped(1);
  }

  /** Publishes a status event of this subscription (ignored once it has ended). */
  protected publish(event: E | DroppedEvent): void {
    this.#hub.publish(event);
  }

  /**
   * Counts `count` lost alerts and reports them through `reportDropped()`, coalesced per burst
   * (one report for the drops of one synchronous run; at once when the subscription ends).
   */
  protected countDropped(count: number): void {
    this.#dropped += count;
    const first = this.#unreportedDrops === 0;
    this.#unreportedDrops += count;
    if (first) queueMicrotask(() => this.#reportDrops());
  }

  /** Reports `count` lost alerts (`total` so far): a `dropped` event; subclasses may add more. */
  protected reportDropped(count: number, total: number): void {
    this.#hub.publish({ type: "dropped", count, total });
  }

  #reportDrops(): void {
    const count = this.#unreportedDrops;
    if (count === 0) return;
    this.#unreportedDrops = 0;
    this.reportDropped(count, this.#dropped);
  }

  #discard(): T[] {
    const left = this.queue.clear();
    if (left.length > 0) this.countDropped(left.length);
    return left;
  }

  readonly #onAbort = () => this.finish({ reason: "aborted" });

  async *#iterate(): AsyncGenerator<T, void, undefined> {
    const queue = this.queue;
    const filter = this.#filter;
    try {
      for (;;) {
        let item = queue.shift();
        if (item === undefined) {
          const result = await queue.next();
          if (result.done) {
            if (result.value.reason === "failed") throw result.value.error;
            return;
          }
          item = result.value;
        }
        if (filter && !filter(item)) continue;
        this.#delivered++;
        yield item;
      }
    } finally {
      this.unsubscribe();
    }
  }
}
