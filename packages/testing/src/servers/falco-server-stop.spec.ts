// How Falco's stop, reload, pause and call slots behave, checked against every
// FalcoServer implementation: what a client must cope with so that it never
// holds Falco back.
import { mkdtempSync, rmSync } from "node:fs";
import { constants } from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { service as outputsService, type response } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, ManualRequests, openRawSub, readAll } from "../../test/spec-helpers.js";
import type { AlertInit, FalcoServer } from "./falco-server.js";
import { serverFactories } from "./server-factories.js";
import { createTestTransport } from "./test-transport.js";

const alerts = (from: number, count: number, output?: string): AlertInit[] =>
  Array.from({ length: count }, (_, i) => ({
    rule: `rule-${from + i}`,
    output: output ?? `alert ${from + i}`,
    source: "syscall",
  }));
const rules = (items: readonly response[]) => items.map((item) => item.rule);
const range = (from: number, count: number) => alerts(from, count).map((a) => a.rule);

/** The grpc-status a raw call ended with (trailers, or a trailers-only answer). */
function grpcStatus(stream: ReturnType<typeof openRawSub>["stream"]): Promise<string> {
  return new Promise((resolve) => {
    stream.once("response", (headers) => {
      if (headers["grpc-status"] !== undefined) resolve(String(headers["grpc-status"]));
    });
    stream.once("trailers", (trailers) => resolve(String(trailers["grpc-status"])));
  });
}

describe.each(serverFactories)("$name: stop, reload, pause and slots", (factory) => {
  let dir: string;
  let cleanups: (() => unknown)[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "falco-stop-"));
    cleanups = [];
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(threadiness?: number): Promise<FalcoServer> {
    const server = await factory.start({ socketPath: join(dir, "falco.sock") }, { threadiness });
    cleanups.push(() => server.stop({ timeoutMs: 2_000 }).catch(() => server.crash()));
    return server;
  }
  function connect(server: FalcoServer) {
    const { transport, close } = createTestTransport({ endpoint: server.endpoint });
    cleanups.push(close);
    return {
      outputs: createClient(outputsService, transport),
      version: createClient(versionService, transport),
      close,
    };
  }
  function rawSub(server: FalcoServer) {
    const raw = openRawSub(server.endpoint);
    cleanups.push(() => raw.session.destroy());
    return raw;
  }

  it("never serves, on resume, a request whose call ended while it was paused", async () => {
    const server = await start();
    await server.pause();
    await server.emit(alerts(0, 3));
    const client = connect(server);
    const pump = new ManualRequests();
    client.outputs
      .sub(pump)
      [Symbol.asyncIterator]()
      .next()
      .catch(() => {});
    pump.send();
    await eventually(async () => (await server.stats()).requests === 1); // read, not answered
    client.close(); // the client gives up on the hung server
    // The event that the server saw the call end (gRPC's core ends it while paused).
    await eventually(async () => (await server.stats()).subscribers === 0);
    await server.resume();
    expect(rules(await readAll(connect(server).outputs.get({})))).toEqual(range(0, 3));
    expect(await server.stats()).toMatchObject({ delivered: 3, dropped: 0 });
  });

  it("sends GOAWAY at once on stop; a sub waiting for a request holds the stop until its client cancels, which pops nothing", async () => {
    const server = await start();
    await server.emit(alerts(0, 3));
    const raw = rawSub(server);
    await eventually(async () => (await server.stats()).subscribers === 1);
    let stopped = false;
    const stopping = server.stop({ timeoutMs: 30_000 }).then(() => {
      stopped = true;
    });
    expect(await raw.goaway).toBe(constants.NGHTTP2_NO_ERROR);
    expect(stopped).toBe(false); // nothing can end that call but its client
    raw.stream.close(constants.NGHTTP2_CANCEL);
    await stopping;
    expect(await server.stats()).toMatchObject({ queued: 3, dropped: 0, requests: 0 });
  });

  it("ends a sub that gets a request while stopping with OK, after popping one alert and discarding it", async () => {
    const server = await start();
    await server.emit(alerts(0, 3));
    const raw = rawSub(server);
    const status = grpcStatus(raw.stream);
    await eventually(async () => (await server.stats()).subscribers === 1);
    const stopping = server.stop({ timeoutMs: 30_000 });
    await raw.goaway; // the server is stopping
    raw.poll();
    expect(await status).toBe("0");
    await stopping;
    expect(await server.stats()).toMatchObject({ queued: 2, delivered: 0, dropped: 1 });
  });

  it("holds the stop while a write waits on flow control; after that write it pops one more alert, discards it and ends OK", async () => {
    const server = await start();
    // Each alert is larger than the client's 64 KiB HTTP/2 window: the first
    // write cannot complete until the client reads.
    await server.emit(alerts(0, 5, "x".repeat(512 * 1024)));
    const raw = rawSub(server);
    raw.stream.pause();
    const status = grpcStatus(raw.stream);
    raw.poll();
    await eventually(async () => (await server.stats()).queued === 4); // popped, being written
    let stopped = false;
    const stopping = server.stop({ timeoutMs: 30_000 }).then(() => {
      stopped = true;
    });
    await raw.goaway;
    expect(stopped).toBe(false);
    raw.stream.resume();
    expect(await status).toBe("0");
    await stopping;
    // Falco's order after a write: sub() reads the stop flag and pops the
    // next alert, then process() sees the flag and finishes with OK: the
    // alert popped after the write is lost (issue 17 item 2).
    expect(await server.stats()).toMatchObject({ queued: 3, delivered: 1, dropped: 1 });
  });

  it("reload restarts on the same address and keeps the queue for the next subscriber", async () => {
    const server = await start();
    await server.emit(alerts(0, 10));
    const raw = rawSub(server);
    await eventually(async () => (await server.stats()).subscribers === 1);
    const reloading = server.reload({ timeoutMs: 30_000 });
    await raw.goaway;
    raw.stream.close(constants.NGHTTP2_CANCEL); // cancel rather than poll: nothing popped
    await reloading;
    expect(await server.stats()).toMatchObject({ queued: 10, dropped: 0 });
    expect(rules(await readAll(connect(server).outputs.get({})))).toEqual(range(0, 10));
  });

  it("serves threadiness x 10 sub calls; the next waits unread while get and version answer", async () => {
    const server = await start(1);
    const stale = Array.from({ length: 10 }, () => rawSub(server));
    await eventually(async () => (await server.stats()).subscribers === 10);
    await server.emit(alerts(0, 2));
    const starved = rawSub(server);
    starved.poll();
    const client = connect(server);
    expect((await client.version.version({})).version).not.toBe("");
    expect(rules(await readAll(client.outputs.get({})))).toEqual(range(0, 2));
    expect(await server.stats()).toMatchObject({ subscribers: 10, requests: 0 });
    stale[0]?.stream.close(constants.NGHTTP2_CANCEL); // frees a slot
    await eventually(async () => (await server.stats()).requests === 1); // its poll is read now
    await server.emit(alerts(2, 1));
    const data = new Promise((resolve) => starved.stream.once("data", resolve));
    starved.poll();
    await data;
    await eventually(async () => (await server.stats()).delivered === 3);
    expect((await server.stats()).subscribers).toBe(10);
  });
});
