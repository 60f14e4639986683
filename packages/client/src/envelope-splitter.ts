import { Code, ConnectError } from "@connectrpc/connect";

/** gRPC's default limit for a received message (Falco's server uses the defaults too). */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

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
