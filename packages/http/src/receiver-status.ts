/** An event of an HTTP alert receiver, from `status()`. */
export type ReceiverStatus =
  | { readonly type: "listening"; readonly url: string }
  /** A consumer fell behind and lost its oldest alerts; `total` counts every drop so far. */
  | { readonly type: "dropped"; readonly total: number }
  /** A request was refused (4xx); `total` counts every refusal so far. */
  | {
      readonly type: "rejected";
      readonly status: number;
      readonly reason: string;
      readonly total: number;
    }
  | { readonly type: "closed" };

const MAX_PENDING = 100;

/** Fans events out to `status()` readers, keeping the newest MAX_PENDING for a slow one. */
export class ReceiverStatusHub {
  private readonly readers = new Set<{ queue: ReceiverStatus[]; wake?: () => void }>();
  private closed = false;

  publish(event: ReceiverStatus): void {
    if (this.closed) return;
    if (event.type === "closed") this.closed = true;
    for (const reader of this.readers) {
      reader.queue.push(event);
      if (reader.queue.length > MAX_PENDING) reader.queue.shift();
      reader.wake?.();
    }
  }

  subscribe(): AsyncIterable<ReceiverStatus> {
    const hub = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (hub.closed) return;
        const reader: { queue: ReceiverStatus[]; wake?: () => void } = { queue: [] };
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
          }
        } finally {
          hub.readers.delete(reader);
        }
      },
    };
  }
}
