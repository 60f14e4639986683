import { constants as h2, type IncomingHttpHeaders } from "node:http2";
import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createMethodUrl } from "@connectrpc/connect/protocol";
import {
  headerEncoding,
  requestHeader,
  validateResponse,
  validateTrailer,
} from "@connectrpc/connect/protocol-grpc";
import type { Http2SessionManager } from "@connectrpc/connect-node";
import { EnvelopeSplitter } from "./envelope-splitter.js";
import { connectErrorFromH2ResetCode, connectErrorFromNodeReason } from "./node-call-errors.js";

/** The gRPC envelope of an empty message (Falco's `request {}`): no flags, length 0. */
export const EMPTY_REQUEST_ENVELOPE = new Uint8Array(5);

/** One server-streaming read of a gRPC call; see `readServerStream`. */
export interface ServerStreamCall {
  readonly method: DescMethod;
  /** Enveloped request messages; the request side half-closes when they end. */
  readonly requests: AsyncIterable<Uint8Array>;
  readonly signal: AbortSignal;
  /** Each response message's bytes, synchronously, in order, as they arrive. */
  readonly onMessage: (bytes: Uint8Array) => void;
  /**
   * Asked after each chunk of the response body, and after a message for which `full`
   * returned true: a promise pauses reading until it settles (HTTP/2 flow control then holds
   * the server back).
   */
  readonly pause?: () => Promise<void> | undefined;
  /**
   * Asked after each message: true stops handing the chunk's further messages over until
   * `pause` was asked (what the consumer holds stays within its limit, whatever a chunk holds).
   */
  readonly full?: () => boolean;
}

/**
 * Runs a gRPC call whose responses are streamed, on an HTTP/2 stream of connect-node's
 * session manager (the one connect's transport uses: same connection, same keepalive and
 * GOAWAY handling), handing each message's bytes to `onMessage` from the stream's `data`
 * events: no promise per chunk. Falco's server writes one DATA frame per alert, so each
 * chunk is about one alert, and connect's async iteration of a response body (about five
 * promises a chunk) cost more than a third of what decoding the alert costs. Errors are
 * converted as connect-node converts them. Resolves when the call ends with OK; rejects
 * with a ConnectError otherwise (the stream is then reset with CANCEL).
 */
export async function readServerStream(
  sessions: Http2SessionManager,
  baseUrl: string,
  call: ServerStreamCall,
): Promise<void> {
  const { signal } = call;
  if (signal.aborted) throw connectErrorFromNodeReason(signal.reason);
  const url = new URL(createMethodUrl(baseUrl, call.method));
  const headers: Record<string, string> = {};
  requestHeader(true, undefined, undefined).forEach((value, key) => {
    headers[key] = value;
  });
  let stream: Awaited<ReturnType<Http2SessionManager["request"]>>;
  try {
    stream = await sessions.request("POST", url.pathname + url.search, headers, {});
  } catch (error) {
    throw connectErrorFromNodeReason(error);
  }
  return new Promise<void>((resolve, reject) => {
    const splitter = new EnvelopeSplitter(call.onMessage, call.full);
    const trailer = new Headers();
    let header = new Headers();
    let foundStatus = false;
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      const failure = error === undefined ? undefined : connectErrorFromNodeReason(error);
      // A call that failed or was cancelled is reset as connect-node resets it; one that
      // ended (a `sub` whose request side is still open) lets go of its stream.
      if (!stream.closed) {
        stream.close(
          failure === undefined
            ? h2.NGHTTP2_NO_ERROR
            : failure.code === Code.Canceled
              ? h2.NGHTTP2_CANCEL
              : h2.NGHTTP2_INTERNAL_ERROR,
        );
      }
      if (failure) reject(failure);
      else resolve();
    };
    const onAbort = () => settle(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    /** Feeds a chunk (or what a pause left of one); false when reading paused. */
    const feed = (chunk: Uint8Array): boolean => {
      let rest: Uint8Array | undefined = chunk;
      while (rest !== undefined) {
        rest = splitter.push(rest);
        const paused = call.pause?.();
        if (paused) {
          const left = rest;
          stream.pause();
          paused.then(() => {
            if (settled) return;
            try {
              if (left === undefined || feed(left)) stream.resume();
            } catch (error) {
              settle(error);
            }
          }, settle);
          return false;
        }
      }
      return true;
    };
    stream.on("response", (responseHeaders: IncomingHttpHeaders) => {
      header = webHeaders(responseHeaders);
      const validated = validateResponse(Number(responseHeaders[":status"] ?? 0), header);
      if (validated.headerError) return settle(validated.headerError);
      foundStatus = validated.foundStatus;
      const encoding = header.get(headerEncoding);
      if (encoding !== null && encoding.toLowerCase() !== "identity") {
        settle(new ConnectError(`unsupported response encoding "${encoding}"`, Code.Internal));
      }
    });
    stream.on("trailers", (trailers: IncomingHttpHeaders) => {
      for (const [key, value] of webHeaders(trailers)) trailer.set(key, value);
    });
    stream.on("data", (chunk: Buffer) => {
      if (settled) return;
      sessions.notifyResponseByteRead(stream);
      try {
        feed(chunk);
      } catch (error) {
        settle(error);
      }
    });
    stream.on("end", () => {
      if (settled) return;
      try {
        splitter.end();
        if (!foundStatus) validateTrailer(trailer, header);
        settle();
      } catch (error) {
        settle(error);
      }
    });
    stream.on("error", (error: Error) => {
      // As connect-node: a write after the server ended the call is not the call's failure.
      if (stream.writableEnded && hasCode(error, "ERR_STREAM_WRITE_AFTER_END")) return;
      settle(error);
    });
    stream.on("close", () => {
      settle(
        connectErrorFromH2ResetCode(stream.rstCode) ??
          new ConnectError("the HTTP/2 stream closed before the call ended", Code.Internal),
      );
    });
    void sendRequests(stream, call.requests, () => settled, settle);
  });
}

/** Writes each request envelope once the previous one is written; ends the request side after the last. */
async function sendRequests(
  stream: NodeJS.WritableStream & { readonly writableEnded: boolean },
  requests: AsyncIterable<Uint8Array>,
  ended: () => boolean,
  fail: (error: unknown) => void,
): Promise<void> {
  try {
    for await (const envelope of requests) {
      if (ended()) return;
      await new Promise<void>((resolve, reject) =>
        stream.write(envelope, (error) => (error ? reject(error) : resolve())),
      );
    }
    if (!ended()) stream.end();
  } catch (error) {
    if (stream.writableEnded && hasCode(error, "ERR_STREAM_WRITE_AFTER_END")) return;
    fail(error);
  }
}

function hasCode(error: unknown, code: string): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === code) return true;
  }
  return false;
}

/** Node's HTTP/2 header object as fetch's Headers, pseudo-headers left out (as connect-node does). */
function webHeaders(node: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith(":") || value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(key, item);
    else headers.append(key, String(value));
  }
  return headers;
}
