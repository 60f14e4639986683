import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { createMethodUrl, type UniversalClientFn } from "@connectrpc/connect/protocol";
import {
  headerEncoding,
  requestHeader,
  validateResponse,
  validateTrailer,
} from "@connectrpc/connect/protocol-grpc";

/** The gRPC envelope of an empty message (Falco's `request {}`): no flags, length 0. */
export const EMPTY_REQUEST_ENVELOPE = new Uint8Array(5);

/** gRPC's default limit for a received message (Falco's server uses the defaults too). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

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
 * Runs a gRPC call whose responses are streamed, on connect-node's HTTP/2 client
 * (the same session manager, error conversion and cancellation as connect's
 * transport), handing each message's bytes to `onMessage` as each chunk of the
 * body arrives: one promise per chunk instead of several per message (connect's
 * per-message async pipeline costs more than decoding an alert). Resolves when
 * the call ends with OK; rejects with a ConnectError otherwise.
 */
export async function readServerStream(
  http: UniversalClientFn,
  baseUrl: string,
  call: ServerStreamCall,
): Promise<void> {
  // Ends the HTTP/2 stream (RST_STREAM CANCEL) when we stop reading early.
  const local = new AbortController();
  const abort = () => local.abort(call.signal.reason);
  if (call.signal.aborted) abort();
  call.signal.addEventListener("abort", abort, { once: true });
  try {
    const response = await http({
      url: createMethodUrl(baseUrl, call.method),
      method: "POST",
      header: requestHeader(true, undefined, undefined),
      body: call.requests,
      signal: local.signal,
    });
    const { foundStatus, headerError } = validateResponse(response.status, response.header);
    if (headerError) throw headerError;
    const encoding = response.header.get(headerEncoding);
    if (encoding !== null && encoding.toLowerCase() !== "identity") {
      throw new ConnectError(`unsupported response encoding "${encoding}"`, Code.Internal);
    }
    const splitter = new EnvelopeSplitter(call.onMessage, call.full);
    for await (const chunk of response.body) {
      let rest: Uint8Array | undefined = chunk;
      while (rest !== undefined) {
        rest = splitter.push(rest);
        const paused = call.pause?.();
        if (paused) await paused;
      }
    }
    splitter.end();
    if (!foundStatus) validateTrailer(response.trailer, response.header);
  } catch (error) {
    throw ConnectError.from(error);
  } finally {
    call.signal.removeEventListener("abort", abort);
    local.abort(new ConnectError("the call ended", Code.Canceled));
  }
}

/**
 * Splits gRPC's length-prefixed messages (1 flag byte, 4 bytes big-endian
 * length) out of body chunks. A message inside one chunk is handed on as a view
 * of it (no copy); one that spans chunks is assembled.
 */
export class EnvelopeSplitter {
  private readonly header = new Uint8Array(5);
  private headerFilled = 0;
  private body: Uint8Array | undefined;
  private bodyFilled = 0;

  constructor(
    private readonly onMessage: (bytes: Uint8Array) => void,
    private readonly full: () => boolean = () => false,
  ) {}

  /**
   * Hands over the messages `chunk` completes. Returns the part not taken yet when `full()`
   * said stop after a message (push it again later), else undefined.
   */
  push(chunk: Uint8Array): Uint8Array | undefined {
    let pos = 0;
    const length = chunk.length;
    if (this.headerFilled > 0) {
      pos = this.continuePartial(chunk);
      if (this.headerFilled > 0) return undefined; // still partial: the chunk is used up
      if (pos < length && this.full()) return chunk.subarray(pos);
    }
    while (length - pos >= 5) {
      const size = this.messageSize(chunk, pos);
      if (length - pos - 5 < size) break;
      this.onMessage(chunk.subarray(pos + 5, pos + 5 + size));
      pos += 5 + size;
      if (pos < length && this.full()) return chunk.subarray(pos);
    }
    if (pos < length) this.continuePartial(chunk.subarray(pos));
    return undefined;
  }

  /** The body ended: an envelope cut short is a protocol error. */
  end(): void {
    if (this.headerFilled > 0) {
      throw new ConnectError("protocol error: incomplete envelope", Code.InvalidArgument);
    }
  }

  /** Feeds a message begun in an earlier chunk; returns how much of `chunk` it took. */
  private continuePartial(chunk: Uint8Array): number {
    let pos = 0;
    if (this.headerFilled < 5) {
      const take = Math.min(5 - this.headerFilled, chunk.length);
      this.header.set(chunk.subarray(0, take), this.headerFilled);
      this.headerFilled += take;
      pos = take;
      if (this.headerFilled < 5) return pos;
      this.body = Buffer.allocUnsafe(this.messageSize(this.header, 0));
      this.bodyFilled = 0;
    }
    const body = this.body as Uint8Array;
    const take = Math.min(body.length - this.bodyFilled, chunk.length - pos);
    body.set(chunk.subarray(pos, pos + take), this.bodyFilled);
    this.bodyFilled += take;
    pos += take;
    if (this.bodyFilled === body.length) {
      this.headerFilled = 0;
      this.body = undefined;
      this.onMessage(body);
    }
    return pos;
  }

  private messageSize(bytes: Uint8Array, at: number): number {
    const flags = bytes[at] as number;
    if (flags & 1) {
      throw new ConnectError(
        "protocol error: received a compressed message, but no compression was negotiated",
        Code.Internal,
      );
    }
    const size =
      (((bytes[at + 1] as number) << 24) |
        ((bytes[at + 2] as number) << 16) |
        ((bytes[at + 3] as number) << 8) |
        (bytes[at + 4] as number)) >>>
      0;
    if (size > MAX_MESSAGE_BYTES) {
      throw new ConnectError(
        `message size ${size} is larger than the limit of ${MAX_MESSAGE_BYTES} bytes`,
        Code.ResourceExhausted,
      );
    }
    return size;
  }
}
