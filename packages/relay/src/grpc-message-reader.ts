import { fromBinary } from "@bufbuild/protobuf";
import { requestSchema } from "@falco-sdk/proto/outputs";

/** gRPC status codes the relay's raw calls answer. */
export const GrpcCode = {
  OK: 0,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
} as const;

/** A request the client got wrong: the call ends with `code` and `message`. */
export interface RequestFault {
  readonly code: number;
  readonly message: string;
}

/**
 * Reads the gRPC message frames of a `falco.outputs.service` request stream (the flag byte,
 * the 4-byte big-endian length, the message) as they arrive in DATA chunks, and checks each
 * message is a `falco.outputs.request`. Falco's requests are empty: an empty message costs
 * no allocation and no decoding.
 */
export class GrpcMessageReader {
  /** Complete messages read so far. */
  messages = 0;
  readonly #maxBytes: number;
  readonly #header = Buffer.alloc(5);
  #headerFill = 0;
  #body: Buffer | undefined;
  #bodyFill = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** True while a message has begun and not ended. */
  get partial(): boolean {
    return this.#headerFill > 0 || this.#body !== undefined;
  }

  /**
   * Reads `chunk`: calls `onMessage` once per complete message, returns the first fault (the
   * rest of the chunk is then not read), else undefined.
   */
  push(chunk: Buffer, onMessage: () => void): RequestFault | undefined {
    let at = 0;
    while (at < chunk.length) {
      if (this.#body === undefined) {
        const n = Math.min(5 - this.#headerFill, chunk.length - at);
        chunk.copy(this.#header, this.#headerFill, at, at + n);
        this.#headerFill += n;
        at += n;
        if (this.#headerFill < 5) return undefined;
        const fault = this.#checkHeader();
        if (fault !== undefined) return fault;
        const length = this.#header.readUInt32BE(1);
        this.#headerFill = 0;
        if (length === 0) {
          this.messages++;
          onMessage();
          continue;
        }
        this.#body = Buffer.allocUnsafe(length);
        this.#bodyFill = 0;
      }
      const body = this.#body;
      const n = Math.min(body.length - this.#bodyFill, chunk.length - at);
      chunk.copy(body, this.#bodyFill, at, at + n);
      this.#bodyFill += n;
      at += n;
      if (this.#bodyFill < body.length) return undefined;
      this.#body = undefined;
      try {
        fromBinary(requestSchema, body);
      } catch (error) {
        return {
          code: GrpcCode.INTERNAL,
          message: `cannot parse the request message as falco.outputs.request: ${(error as Error).message}`,
        };
      }
      this.messages++;
      onMessage();
    }
    return undefined;
  }

  #checkHeader(): RequestFault | undefined {
    const flags = this.#header[0];
    if (flags !== 0) {
      return {
        code: GrpcCode.INTERNAL,
        message:
          flags === 1
            ? "received a compressed message, but no compression was agreed (the server accepts identity only)"
            : `invalid message flags 0x${(flags ?? 0).toString(16)}`,
      };
    }
    const length = this.#header.readUInt32BE(1);
    if (length > this.#maxBytes) {
      return {
        code: GrpcCode.RESOURCE_EXHAUSTED,
        message: `message of ${length} bytes is larger than the ${this.#maxBytes} bytes allowed`,
      };
    }
    return undefined;
  }
}
