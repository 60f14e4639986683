// HTTP/2 frames written by hand, for what node:http2's client refuses to send
// (connection-specific headers, `te` other than "trailers", frames larger than the
// peer allows, garbage): enough of RFC 9113 and RFC 7541 (literal header fields,
// no Huffman, no dynamic table) to open streams and watch how the server answers.
import { connect as netConnect, type Socket } from "node:net";

const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, GOAWAY: 7 } as const;
export const FLAG = { END_STREAM: 1, ACK: 1, END_HEADERS: 4 } as const;

/** One frame: 9-byte header (24-bit length, type, flags, stream id), then the payload. */
export function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

function hpackInteger(value: number, prefixBits: number, first: number): Buffer {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([first | value]);
  const bytes = [first | max];
  let rest = value - max;
  while (rest >= 128) {
    bytes.push((rest % 128) + 128);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A header block of literal fields without indexing (new name, no Huffman), in order. */
export function headerBlock(fields: readonly (readonly [string, string])[]): Buffer {
  return Buffer.concat(
    fields.flatMap(([name, value]) => {
      const n = Buffer.from(name);
      const v = Buffer.from(value);
      return [Buffer.from([0]), hpackInteger(n.length, 7, 0), n, hpackInteger(v.length, 7, 0), v];
    }),
  );
}

/** What the server did to a stream (or the connection). */
export type ServerAnswer = "headers-end-stream" | "rst-stream" | "goaway" | "closed";

export interface RawConnection {
  /** Writes bytes as they are. */
  send(bytes: Buffer): void;
  /** Resolves with the server's first end of `streamId`: trailers, RST_STREAM, GOAWAY or the socket closing. */
  answer(streamId: number): Promise<ServerAnswer>;
  close(): void;
}

/** Opens a connection (unix socket path or a connected socket) and sends the preface and empty SETTINGS. */
export function rawConnection(target: string | Socket): RawConnection {
  const socket = typeof target === "string" ? netConnect(target) : target;
  socket.on("error", () => {});
  const waiting = new Map<number, (answer: ServerAnswer) => void>();
  const answers = new Map<number, ServerAnswer>();
  let ended: ServerAnswer | undefined;
  const settle = (streamId: number | "all", answer: ServerAnswer) => {
    if (streamId === "all") ended ??= answer;
    else if (!answers.has(streamId)) answers.set(streamId, answer);
    for (const [id, resolve] of waiting) {
      if (streamId === "all" || id === streamId) {
        waiting.delete(id);
        resolve(answer);
      }
    }
  };
  let buffered = Buffer.alloc(0);
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered.length < 9 + length) break;
      const type = buffered.readUInt8(3);
      const flags = buffered.readUInt8(4);
      const streamId = buffered.readUInt32BE(5) & 0x7fffffff;
      buffered = buffered.subarray(9 + length);
      if (type === FRAME.SETTINGS && (flags & FLAG.ACK) === 0) {
        socket.write(frame(FRAME.SETTINGS, FLAG.ACK, 0, Buffer.alloc(0)));
      } else if (type === FRAME.HEADERS && (flags & FLAG.END_STREAM) !== 0) {
        settle(streamId, "headers-end-stream");
      } else if (type === FRAME.RST_STREAM) {
        settle(streamId, "rst-stream");
      } else if (type === FRAME.GOAWAY) {
        settle("all", "goaway");
      }
    }
  });
  socket.on("close", () => settle("all", "closed"));
  socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0, Buffer.alloc(0))]));
  return {
    send: (bytes) => socket.write(bytes),
    answer: (streamId) =>
      new Promise((resolve) => {
        const known = answers.get(streamId) ?? ended;
        if (known !== undefined) resolve(known);
        else waiting.set(streamId, resolve);
      }),
    close: () => socket.destroy(),
  };
}
