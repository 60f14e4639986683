/**
 * Several alert streams as one, in arrival order. Each source has at most one
 * `next()` outstanding, so nothing is buffered beyond one item per source.
 * Ending the merged stream (break, return) asks every source to end, without
 * waiting: an async generator ends only once its pending `next()` settles, so
 * end the sources themselves with an AbortSignal. An error from one source
 * ends the others the same way and is thrown.
 */
export async function* mergeAlertStreams<T>(
  sources: readonly AsyncIterable<T>[],
): AsyncGenerator<T> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  type Settled = { index: number; result: IteratorResult<T> };
  const pending = new Map<number, Promise<Settled>>();
  const arm = (index: number) =>
    pending.set(
      index,
      iterators[index]!.next().then((result) => ({ index, result })),
    );
  for (let index = 0; index < iterators.length; index++) arm(index);
  try {
    while (pending.size > 0) {
      const { index, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(index);
        continue;
      }
      arm(index);
      yield result.value;
    }
  } finally {
    for (const index of pending.keys()) {
      iterators[index]!.return?.()?.catch(() => {});
    }
  }
}
