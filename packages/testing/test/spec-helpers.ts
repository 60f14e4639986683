/**
 * Client-side helpers for this package's own tests: a request stream the test
 * drives by hand, and readers that take a given number of messages.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect as connectHttp2,
} from "node:http2";
import { connect as connectNet } from "node:net";
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

/**
 * A `sub` call on a bare node:http2 session over a unix socket, for checks a
 * gRPC client library hides: the GOAWAY a server sends, and a stream that
 * stops reading (flow control).
 */
export function openRawSub(endpoint: string): {
  readonly session: ClientHttp2Session;
  readonly stream: ClientHttp2Stream;
  /** Resolves with the GOAWAY's error code when the server sends one. */
  readonly goaway: Promise<number>;
  /** Sends one (empty) request message. */
  poll(): void;
} {
  const socketPath = endpoint.slice("unix://".length);
  const session = connectHttp2("http://localhost", {
    createConnection: () => connectNet(socketPath),
  });
  session.on("error", () => {});
  const goaway = new Promise<number>((resolve) => session.once("goaway", (code) => resolve(code)));
  const stream = session.request({
    ":method": "POST",
    ":path": "/falco.outputs.service/sub",
    "content-type": "application/grpc",
    te: "trailers",
  });
  stream.on("error", () => {});
  return { session, stream, goaway, poll: () => stream.write(Buffer.alloc(5)) };
}
