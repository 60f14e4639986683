import { create } from "@bufbuild/protobuf";
import { type request, requestSchema } from "@falco-sdk/proto/outputs";

const POLL: request = create(requestSchema);

/**
 * The request side of a `sub` stream: Falco drains its queue once per request,
 * so each `poll()` yields one (empty) request; polls made while one is still
 * unsent collapse into it. The iterable never ends by itself: ending it would
 * half-close the stream, and Falco answers a half-close with nothing at all.
 * Calls are ended by cancelling them instead.
 */
export class RequestPump implements AsyncIterable<request> {
  private pending = false;
  private wake: (() => void) | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** Requests handed to the transport. */
  sent = 0;

  /** @param mayPoll checked before every poll: false holds polls back (the consumer lags). */
  constructor(private readonly mayPoll: () => boolean = () => true) {}

  /** Asks for one more drain, unless `mayPoll` says no. */
  poll(): void {
    if (!this.mayPoll()) return;
    this.pending = true;
    this.wake?.();
  }

  /** Polls on the next turn of the event loop (coalesced): used while alerts keep arriving. */
  pollSoon(): void {
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.poll();
    });
  }

  /** Stops scheduled polls (the call itself is ended by cancelling it). */
  dispose(): void {
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<request> {
    for (;;) {
      if (!this.pending) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
      }
      this.pending = false;
      if (!this.mayPoll()) continue;
      this.sent++;
      yield POLL;
    }
  }
}
