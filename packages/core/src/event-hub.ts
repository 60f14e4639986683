import { BoundedQueue } from "./bounded-queue.js";

/** Events kept per reader that has not read them yet; older ones are dropped. */
const MAX_PENDING = 100;

/**
 * Fans events out to every iterable from `subscribe()`. A reader that does not keep up loses
 * its oldest events beyond 100, never blocking the publisher. Iterables end after an event of
 * type "closed". Behind every `status()` of the SDK (`FalcoClient`, `@falco-sdk/http`'s
 * receiver, every subscription, ...).
 */
export class EventHub<T extends { readonly type: string }> {
  private readonly readers = new Set<BoundedQueue<T, undefined>>();
  private closed = false;

  /**
   * Hands `event` to every reader now; an event of type "closed" ends every reader after it,
   * and nothing is published afterwards (later calls are ignored).
   */
  publish(event: T): void {
    if (this.closed) return;
    const last = event.type === "closed";
    if (last) this.closed = true;
    for (const reader of this.readers) {
      reader.push(event);
      if (last) reader.close(undefined);
    }
  }

  /** A new iterable of the events from now on; ends after "closed". */
  subscribe(): AsyncIterable<T> {
    const hub = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (hub.closed) return;
        const reader = new BoundedQueue<T, undefined>({ capacity: MAX_PENDING });
        hub.readers.add(reader);
        try {
          for (;;) {
            const result = await reader.next();
            if (result.done) return;
            yield result.value;
          }
        } finally {
          hub.readers.delete(reader);
        }
      },
    };
  }
}
