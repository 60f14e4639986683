/**
 * Client-side helpers for this package's own tests: a request stream the test
 * drives by hand, and readers that take a given number of messages.
 */
import { create } from "@bufbuild/protobuf";
import { type request, requestSchema } from "@falco-sdk/proto/outputs";

/** The request side of a `sub` call driven by hand: one (empty) `request` per `send()`. */
export class ManualRequests implements AsyncIterable<request> {
  #pending = 0;
  #closed = false;
  #wake: (() => void) | undefined;

  /** Sends one (empty) request. */
  send(): void {
    this.#pending += 1;
    this.#wake?.();
  }

  /** Half-closes the request side. */
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<request> {
    for (;;) {
      while (this.#pending > 0) {
        this.#pending -= 1;
        yield create(requestSchema);
      }
      if (this.#closed) {
        return;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}

/** Reads exactly `count` messages (fails if the stream ends first). */
export async function take<T>(iterator: AsyncIterator<T>, count: number): Promise<T[]> {
  const items: T[] = [];
  while (items.length < count) {
    const next = await iterator.next();
    if (next.done === true) {
      throw new Error(`stream ended after ${items.length} of ${count} messages`);
    }
    items.push(next.value);
  }
  return items;
}

/** Reads until the stream ends. */
export async function readAll<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}

/** Polls `probe` until it returns true (the test's own timeout bounds the wait). */
export async function eventually(probe: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await probe())) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Settles to the error `promise` rejects with, or fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, got a result");
}
