import type { Alert } from "./alert.js";

interface Source<T> {
  readonly iterable: AsyncIterable<T>;
  readonly iterator: AsyncIterator<T>;
  /** A `next()` of this source is in flight. */
  pulling: boolean;
}

type Outcome<T> =
  | { readonly source: Source<T>; readonly result: IteratorResult<T> }
  | { readonly source: Source<T>; readonly error: unknown };

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * Merges several alert sources (e.g. the subscriptions of a few Falcos, an HTTP receiver) into
 * one AsyncIterable, without a broker. Alerts come in the order the sources produce them.
 *
 * - Bounded: a source is pulled only while the consumer waits for an alert, at most one pull
 *   in flight per source, so at most one alert per source waits inside the merge.
 * - Ends when every source has ended.
 * - Ending it (`break`, `return()`) ends every source: `unsubscribe()` when the source has one
 *   (the SDK's subscriptions), then its iterator's `return()`, awaited, except for a source
 *   without `unsubscribe()` whose pull is in flight: an async generator runs `return()` only
 *   once that pull settles, and `break` must not wait for a quiet source. An alert a source
 *   yields while it is being ended is dropped, as with `break` on any iterable.
 * - An error from one source ends the merge: the alerts that source and the others produced
 *   before it are delivered first, then every other source is ended as above, then the merged
 *   iteration throws that same error (the first one; later ones are ignored).
 *
 * Iterating the result calls each source's `[Symbol.asyncIterator]()` once.
 */
export function mergeAlerts<T extends Alert = Alert>(
  ...sources: readonly AsyncIterable<T>[]
): AsyncIterable<T> {
  return { [Symbol.asyncIterator]: () => new MergedIterator(sources) };
}

class MergedIterator<T> implements AsyncIterator<T, undefined> {
  private readonly active = new Set<Source<T>>();
  private readonly settled: Outcome<T>[] = [];
  private wake: (() => void) | undefined;
  private finished = false;
  /** Serialises `next()` calls made without awaiting the previous one. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(iterables: readonly AsyncIterable<T>[]) {
    for (const iterable of iterables) {
      this.active.add({ iterable, iterator: iterable[Symbol.asyncIterator](), pulling: false });
    }
  }

  next(): Promise<IteratorResult<T, undefined>> {
    const result = this.queue.then(() => this.take());
    this.queue = result.catch(() => {});
    return result;
  }

  async return(): Promise<IteratorResult<T, undefined>> {
    if (!this.finished) {
      this.finish();
      const failure = await this.endSources();
      if (failure) throw failure.error;
    }
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<T, undefined>> {
    await this.return();
    throw error;
  }

  private async take(): Promise<IteratorResult<T, undefined>> {
    for (;;) {
      if (this.finished) return DONE;
      const outcome = this.settled.shift();
      if (outcome && "error" in outcome) {
        this.active.delete(outcome.source);
        this.finish();
        await this.endSources();
        throw outcome.error;
      }
      if (outcome) {
        if (!outcome.result.done) return { done: false, value: outcome.result.value };
        this.active.delete(outcome.source);
        continue;
      }
      if (this.active.size === 0) {
        this.finish();
        return DONE;
      }
      for (const source of this.active) if (!source.pulling) this.pull(source);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private pull(source: Source<T>): void {
    source.pulling = true;
    let next: Promise<IteratorResult<T>>;
    try {
      next = Promise.resolve(source.iterator.next());
    } catch (error) {
      next = Promise.reject(error);
    }
    next.then(
      (result) => this.settle({ source, result }),
      (error: unknown) => this.settle({ source, error }),
    );
  }

  private settle(outcome: Outcome<T>): void {
    outcome.source.pulling = false;
    if (this.finished) return; // ended meanwhile: the alert is dropped
    this.settled.push(outcome);
    this.wake?.();
  }

  private finish(): void {
    this.finished = true;
    this.settled.length = 0;
    this.wake?.();
  }

  /** Ends every active source; the first failure of a `return()`, if any. */
  private async endSources(): Promise<{ error: unknown } | undefined> {
    const sources = [...this.active];
    this.active.clear();
    const failures: { error: unknown }[] = [];
    await Promise.all(
      sources.map(async (source) => {
        const { unsubscribe } = source.iterable as { unsubscribe?: unknown };
        const hasUnsubscribe = typeof unsubscribe === "function";
        if (hasUnsubscribe) unsubscribe.call(source.iterable);
        const pulling = source.pulling;
        const ended = (async () => source.iterator.return?.())().catch((error: unknown) => {
          failures.push({ error });
        });
        if (hasUnsubscribe || !pulling) await ended;
      }),
    );
    return failures[0];
  }
}
