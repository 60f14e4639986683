/** Events kept per reader that has not read them yet; older ones are dropped. */
const MAX_PENDING = 100;

/**
 * Fans events out to every iterable from `subscribe()`. A reader that does not
 * keep up loses its oldest events beyond 100, never blocking the publisher.
 * Iterables end after an event of type "closed". Behind every `status()` of the
 * SDK (`FalcoClient`, `@falco-sdk/http`'s receiver, ...).
 */
export class EventHub<T extends { readonly type: string }> {
  private readonly readers = new Set<{ queue: T[]; wake?: () => void }>();
  private closed = false;

  publish(event: T): void {
    if (this.closed) return;
    if (event.type === "closed") this.closed = true;
    for (const reader of this.readers) {
      reader.queue.push(event);
      if (reader.queue.length > MAX_PENDING) reader.queue.shift();
      reader.wake?.();
    }
  }

  /** A new iterable of the events from now on; ends after "closed". */
  subscribe(): AsyncIterable<T> {
    const hub = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (hub.closed) return;
        const reader: { queue: T[]; wake?: () => void } = { queue: [] };
        hub.readers.add(reader);
        try {
          for (;;) {
            const event = reader.queue.shift();
            if (event) {
              yield event;
              if (event.type === "closed") return;
              continue;
            }
            await new Promise<void>((resolve) => {
              reader.wake = resolve;
            });
            reader.wake = undefined;
          }
        } finally {
          hub.readers.delete(reader);
        }
      },
    };
  }
}
