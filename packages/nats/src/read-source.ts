import type { Alert } from "@falco-sdk/core";

/** How {@link readSource} hands alerts over and knows when to stop. */
export interface ReadSourceHooks {
  /** Takes one alert. */
  accept(alert: Alert): void;
  /** Stops reading when aborted. */
  readonly signal?: AbortSignal | undefined;
  /** Stops reading when any of these settles. */
  readonly stopWhen: readonly Promise<unknown>[];
  /**
   * When given: before each read, true when there is room, or a promise to wait on before
   * asking again (the backlog changed).
   */
  readonly roomOrStop?: false | (() => true | Promise<void>);
  /** Whether an alert that arrives after the stop is still wanted. */
  keepLate(): boolean;
}

/**
 * Reads `alerts` into `hooks.accept` until the source ends or a stop. Each wait has its own
 * resolver: no Promise.race against a long-lived promise, whose reactions (holding every
 * alert) would pile up for as long as the source runs.
 */
export async function readSource(
  alerts: AsyncIterable<Alert>,
  hooks: ReadSourceHooks,
): Promise<void> {
  const iterator = alerts[Symbol.asyncIterator]();
  const stopped = new AbortController();
  let interrupt: (() => void) | undefined;
  let stopping = false;
  const stop = () => {
    stopping = true;
    interrupt?.();
  };
  if (hooks.signal?.aborted) stop();
  hooks.signal?.addEventListener("abort", stop, { once: true, signal: stopped.signal });
  for (const p of hooks.stopWhen) void p.then(stop, stop);
  let pending: Promise<IteratorResult<Alert>> | undefined;
  try {
    while (!stopping) {
      const room = hooks.roomOrStop ? hooks.roomOrStop() : true;
      if (room !== true) {
        await new Promise<void>((resolve) => {
          interrupt = resolve;
          void room.then(resolve);
        });
        interrupt = undefined;
        continue;
      }
      const read = iterator.next();
      pending = read;
      const next = await new Promise<IteratorResult<Alert> | "stop">((resolve, reject) => {
        interrupt = () => resolve("stop");
        read.then(resolve, reject);
      });
      interrupt = undefined;
      if (next === "stop") break;
      pending = undefined;
      if (next.done) break;
      hooks.accept(next.value);
    }
  } finally {
    if (pending) {
      // An async generator queues return() behind a pending next(): end the source by its
      // own means when it has them (a subscription's unsubscribe), and keep an alert that
      // still arrives, since its source may have removed it from a queue already.
      void pending
        .then((r) => !r.done && hooks.keepLate() && hooks.accept(r.value))
        .catch(() => undefined);
      (alerts as { unsubscribe?: () => void }).unsubscribe?.();
      void Promise.resolve(iterator.return?.()).catch(() => undefined);
    } else {
      await iterator.return?.();
    }
    stopped.abort();
  }
}
