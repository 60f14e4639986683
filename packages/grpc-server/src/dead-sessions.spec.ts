import { mkdtempSync, rmSync } from "node:fs";
import type { Http2ServerRequest } from "node:http2";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { listenHttp2 } from "./index.js";

function frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId, 5);
  return Buffer.concat([header, payload]);
}

/** HPACK literal fields without indexing, names and values under 127 bytes. */
function headerBlock(fields: [string, string][]): Buffer {
  return Buffer.concat(
    fields.flatMap(([name, value]) => [
      Buffer.from([0, name.length]),
      Buffer.from(name),
      Buffer.from([value.length]),
      Buffer.from(value),
    ]),
  );
}

it("destroys a connection nghttp2 ended with GOAWAY (a DATA frame over 16 KiB), with its open call", async () => {
  const dir = mkdtempSync(join(tmpdir(), "grpc-server-"));
  const socketPath = join(dir, "dead.sock");
  let opened: (request: Http2ServerRequest) => void = () => {};
  const request = new Promise<Http2ServerRequest>((resolve) => {
    opened = resolve;
  });
  const listener = await listenHttp2({ socketPath }, (req) => opened(req), false, {
    idleCheckMs: 50,
  });
  try {
    const socket = connect(socketPath);
    socket.on("error", () => {});
    socket.write(Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
    socket.write(frame(4, 0, 0, Buffer.alloc(0)));
    const fields: [string, string][] = [
      [":method", "POST"],
      [":scheme", "http"],
      [":path", "/falco.outputs.service/get"],
      [":authority", "localhost"],
      ["content-type", "application/grpc"],
      ["te", "trailers"],
    ];
    socket.write(frame(1, 4, 1, headerBlock(fields)));
    const call = await request;
    const ended = new Promise<void>((resolve) => call.stream.once("close", () => resolve()));
    // FRAME_SIZE_ERROR: nghttp2 answers GOAWAY and stops; Node never closes the session itself.
    socket.write(frame(0, 1, 1, Buffer.alloc(20_000)));
    socket.destroy();
    // The call ends: the silent session's PING went unanswered and it was destroyed.
    await ended;
    expect(call.stream.destroyed).toBe(true);
  } finally {
    listener.destroy();
    await listener.closed;
    rmSync(dir, { recursive: true, force: true });
  }
});

it("keeps a silent connection whose peer answers PINGs, however long it is silent", async () => {
  const dir = mkdtempSync(join(tmpdir(), "grpc-server-"));
  const socketPath = join(dir, "alive.sock");
  const listener = await listenHttp2({ socketPath }, () => {}, false, { idleCheckMs: 20 });
  try {
    const { connect: http2Connect } = await import("node:http2");
    const session = http2Connect("http://localhost", {
      createConnection: () => connect(socketPath),
    });
    session.on("error", () => {});
    // Five PINGs from the server, each answered by node:http2's client.
    let pings = 0;
    await new Promise<void>((resolve) => {
      session.on("ping", () => {
        if (++pings === 5) resolve();
      });
    });
    expect(session.destroyed).toBe(false);
    session.close();
  } finally {
    listener.destroy();
    await listener.closed;
    rmSync(dir, { recursive: true, force: true });
  }
});
