// A bare node:http2 gRPC peer for tests that need what no gRPC library does on
// purpose: stop reading, send malformed or oversized frames.
import { type ClientHttp2Session, type ClientHttp2Stream, connect } from "node:http2";
import { connect as netConnect } from "node:net";

/** A gRPC message frame: flag byte, 4-byte big-endian length, payload. */
export function grpcFrame(payload: Buffer, length = payload.length, compressed = false): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(compressed ? 1 : 0, 0);
  header.writeUInt32BE(length, 1);
  return Buffer.concat([header, payload]);
}

export interface RawCall {
  readonly stream: ClientHttp2Stream;
  /** Resolves with the call's trailers (grpc-status, grpc-message) or response headers of a trailers-only answer. */
  readonly status: Promise<{ code: number; message: string }>;
  /** Bytes of response DATA read so far. */
  received(): number;
}

export interface RawPeer {
  readonly session: ClientHttp2Session;
  call(path: string): RawCall;
  close(): void;
}

export function rawPeer(socketPath: string): RawPeer {
  const session = connect("http://localhost", { createConnection: () => netConnect(socketPath) });
  session.on("error", () => {});
  return {
    session,
    call(path) {
      const stream = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc",
        te: "trailers",
      });
      let bytes = 0;
      stream.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
      });
      stream.on("error", () => {});
      const status = new Promise<{ code: number; message: string }>((resolve) => {
        const settle = (headers: Record<string, unknown>) => {
          if (headers["grpc-status"] !== undefined) {
            resolve({
              code: Number(headers["grpc-status"]),
              message: decodeURIComponent(String(headers["grpc-message"] ?? "")),
            });
          }
        };
        stream.on("response", settle);
        stream.on("trailers", settle);
        stream.on("close", () => resolve({ code: -1, message: "stream closed without a status" }));
      });
      return { stream, status, received: () => bytes };
    },
    close: () => session.destroy(),
  };
}
