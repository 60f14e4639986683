import { spawn } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { service as outputsService, type response } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eventually, ManualRequests, readAll, rejectionOf, take } from "../../test/spec-helpers.js";
import { InsecureListenError, ServerStopTimeoutError } from "../errors.js";
import { createTestPki, type TestPki } from "../pki/pki.js";
import type { AlertInit, FalcoServer, ListenOptions } from "./falco-server.js";
import { serverFactories } from "./server-factories.js";
import { type ClientTlsMaterial, createTestTransport } from "./test-transport.js";

const alerts = (from: number, count: number): AlertInit[] =>
  Array.from({ length: count }, (_, i) => ({
    rule: `rule-${from + i}`,
    output: `alert ${from + i}`,
    source: "syscall",
    outputFields: { "proc.name": "bash" },
  }));
const rules = (items: readonly response[]) => items.map((item) => item.rule);
const range = (from: number, count: number) => alerts(from, count).map((a) => a.rule);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(serverFactories)("$name: Falco's server semantics", (factory) => {
  let pki: TestPki;
  let dir: string;
  let cleanups: (() => unknown)[];

  beforeAll(async () => {
    pki = await createTestPki();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "falco-sem-"));
    cleanups = [];
  });
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(listen?: ListenOptions): Promise<FalcoServer> {
    const server = await factory.start(listen ?? { socketPath: join(dir, "falco.sock") });
    cleanups.push(async () => {
      await server.stop({ timeoutMs: 2_000 }).catch(() => server.crash());
    });
    return server;
  }

  function connect(server: FalcoServer, tls?: ClientTlsMaterial, pingIntervalMs?: number) {
    const { transport, close } = createTestTransport({
      endpoint: server.endpoint,
      tls,
      pingIntervalMs,
    });
    cleanups.push(close);
    return {
      outputs: createClient(outputsService, transport),
      version: createClient(versionService, transport),
      close,
    };
  }

  function subscribe(server: FalcoServer, options: { timeoutMs?: number } = {}) {
    const pump = new ManualRequests();
    const stream = connect(server).outputs.sub(pump, options)[Symbol.asyncIterator]();
    return { pump, stream };
  }

  it("serves get on a unix socket, replacing a stale socket file, and removes it on stop", async () => {
    const socketPath = join(dir, "falco.sock");
    // A process killed with SIGKILL leaves its socket file behind.
    const holder = spawn(process.execPath, [
      "-e",
      "require('net').createServer().listen(process.argv[1], () => console.log('up'))",
      socketPath,
    ]);
    await new Promise((resolve) => holder.stdout.once("data", resolve));
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
    expect(lstatSync(socketPath).isSocket()).toBe(true);

    const server = await start({ socketPath });
    expect(server.endpoint).toBe(`unix://${socketPath}`);
    await server.emit(alerts(0, 3));
    expect(rules(await readAll(connect(server).outputs.get({})))).toEqual(range(0, 3));
    await server.stop();
    expect(existsSync(socketPath)).toBe(false);
  });

  it("splits the stream between two subscribers (each alert to exactly one)", async () => {
    const server = await start();
    const a = subscribe(server);
    const b = subscribe(server);
    await server.emit(alerts(0, 3));
    a.pump.send();
    expect(rules(await take(a.stream, 3))).toEqual(range(0, 3));
    await server.emit(alerts(3, 3));
    b.pump.send();
    expect(rules(await take(b.stream, 3))).toEqual(range(3, 3));
    await server.emit(alerts(6, 1));
    a.pump.send();
    // a never sees 3..5: they went to b.
    expect(rules(await take(a.stream, 1))).toEqual(range(6, 1));
    await eventually(async () => (await server.stats()).delivered === 7);
    expect(await server.stats()).toMatchObject({ queued: 0, delivered: 7, subscribers: 2 });
  });

  it("sends nothing on sub until the client sends a request", async () => {
    const server = await start();
    const a = subscribe(server);
    await eventually(async () => (await server.stats()).subscribers === 1);
    await server.emit(alerts(0, 3));
    // A get drains what the silent subscriber did not take.
    expect(rules(await readAll(connect(server).outputs.get({})))).toEqual(range(0, 3));
    await server.emit(alerts(3, 2));
    a.pump.send();
    expect(rules(await take(a.stream, 2))).toEqual(range(3, 2));
  });

  it("drains the queue once per request, then waits for the next request", async () => {
    const server = await start();
    const a = subscribe(server);
    await server.emit(alerts(0, 3));
    a.pump.send();
    expect(rules(await take(a.stream, 3))).toEqual(range(0, 3));
    await eventually(async () => (await server.stats()).delivered === 3);
    await server.emit(alerts(3, 2));
    expect((await server.stats()).queued).toBe(2);
    expect(rules(await readAll(connect(server).outputs.get({})))).toEqual(range(3, 2));
    await server.emit(alerts(5, 2));
    a.pump.send();
    expect(rules(await take(a.stream, 2))).toEqual(range(5, 2));
  });

  it("get drains the backlog and ends with OK, also when the queue is empty", async () => {
    const server = await start();
    const client = connect(server);
    await server.emit(alerts(0, 5));
    expect(rules(await readAll(client.outputs.get({})))).toEqual(range(0, 5));
    expect(await readAll(client.outputs.get({}))).toEqual([]);
    expect(await server.stats()).toMatchObject({ queued: 0, delivered: 5, dropped: 0 });
  });

  it("keeps alerts queued with no client for the next reader", async () => {
    const server = await start();
    await server.emit(alerts(0, 4));
    expect(await server.stats()).toMatchObject({ queued: 4, delivered: 0 });
    const a = subscribe(server);
    a.pump.send();
    expect(rules(await take(a.stream, 4))).toEqual(range(0, 4));
  });

  it("ends a polling sub with OK at its next request when stopping", async () => {
    const socketPath = join(dir, "falco.sock");
    const server = await start({ socketPath });
    const a = subscribe(server);
    await server.emit(alerts(0, 1));
    a.pump.send();
    await take(a.stream, 1);
    const stopped = server.stop();
    const ended = a.stream.next();
    let settled = false;
    ended.finally(() => {
      settled = true;
    });
    while (!settled) {
      a.pump.send(); // a subscriber keeps polling
      await sleep(50);
    }
    expect(await ended).toEqual({ done: true, value: undefined });
    await stopped;
    expect(existsSync(socketPath)).toBe(false);
    const error = await rejectionOf(connect(server).version.version({}));
    expect(error).toBeInstanceOf(ConnectError);
  });

  it("ends a get in progress with OK and a partial result when stopping", async () => {
    const server = await start();
    const total = 2_000;
    const output = "x".repeat(2_048);
    await server.emit(alerts(0, total).map((alert) => ({ ...alert, output })));
    const stream = connect(server).outputs.get({})[Symbol.asyncIterator]();
    await take(stream, 1); // flow control now holds the server back: 4 MiB queued
    const stopped = server.stop();
    const rest: response[] = [];
    for (let next = await stream.next(); next.done !== true; next = await stream.next()) {
      rest.push(next.value);
    }
    await stopped;
    expect(rest.length).toBeLessThan(total - 1);
    expect(rules(rest)).toEqual(range(1, rest.length));
    expect((await server.stats()).queued).toBe(total - 1 - rest.length);
  });

  it("keeps stop() waiting on a sub that never sends again (until the stop timeout)", async () => {
    const server = await start();
    const a = subscribe(server);
    await server.emit(alerts(0, 1));
    a.pump.send();
    await take(a.stream, 1); // the server has seen the request: the next one would end the call
    // Falco checks for a stop when a write completes: let that check pass first.
    await eventually(async () => (await server.stats()).delivered === 1);
    const error = await rejectionOf(server.stop({ timeoutMs: 300 }));
    expect(error).toBeInstanceOf(ServerStopTimeoutError);
    expect(await rejectionOf(a.stream.next())).toBeInstanceOf(ConnectError);
  });

  it("gives no status to a sub its client half-closed", async () => {
    const server = await start();
    const a = subscribe(server, { timeoutMs: 500 });
    await server.emit(alerts(0, 1));
    a.pump.send();
    await take(a.stream, 1);
    a.pump.close();
    // Only the client's own deadline ends the call (OK would end it as done).
    const error = await rejectionOf(a.stream.next());
    expect(ConnectError.from(error).code).toBe(Code.DeadlineExceeded);
  });

  it("answers nothing while paused, and drains pending requests on resume", async () => {
    const server = await start();
    await server.pause();
    await server.emit(alerts(0, 2));
    const client = connect(server);
    const hung = await rejectionOf(client.version.version({}, { timeoutMs: 300 }));
    expect(ConnectError.from(hung).code).toBe(Code.DeadlineExceeded);
    const probe = subscribe(server, { timeoutMs: 300 });
    probe.pump.send();
    const silent = await rejectionOf(probe.stream.next());
    expect(ConnectError.from(silent).code).toBe(Code.DeadlineExceeded);
    // Wait until the server has seen the probe go, or it could still drain on resume.
    await eventually(async () => (await server.stats()).subscribers === 0);
    expect((await server.stats()).queued).toBe(2);
    const a = subscribe(server);
    a.pump.send();
    await eventually(async () => (await server.stats()).subscribers === 1);
    await server.resume();
    expect(rules(await take(a.stream, 2))).toEqual(range(0, 2));
    expect((await client.version.version({})).version).not.toBe("");
  });

  it("drops an alert popped into a stream that breaks (pop before write)", async () => {
    const server = await start();
    const total = 2_000;
    const output = "x".repeat(2_048);
    await server.emit(alerts(0, total).map((alert) => ({ ...alert, output })));
    const reader = connect(server);
    const pump = new ManualRequests();
    const stream = reader.outputs.sub(pump)[Symbol.asyncIterator]();
    pump.send();
    await take(stream, 1); // then stop reading: the server's writes back up
    await eventually(async () => (await server.stats()).delivered >= 1);
    reader.close(); // the connection breaks mid-drain
    await eventually(async () => (await server.stats()).subscribers === 0);
    const stats = await server.stats();
    expect(stats.queued).toBeGreaterThan(0);
    expect(stats.dropped).toBeGreaterThanOrEqual(1);
    expect(stats.queued + stats.delivered + stats.dropped).toBe(total);
  });

  it("crash breaks streams; restart serves the backlog on the same address", async () => {
    const socketPath = join(dir, "falco.sock");
    const server = await start({ socketPath });
    const a = subscribe(server);
    await server.emit(alerts(0, 1));
    a.pump.send();
    await take(a.stream, 1);
    await server.crash();
    const broken = ConnectError.from(await rejectionOf(a.stream.next()));
    expect([Code.Canceled, Code.Aborted, Code.Unavailable, Code.Internal]).toContain(broken.code);
    // The socket file may stay behind (the C-core server is SIGKILLed, like a
    // killed Falco) or be gone (node:net unlinks it on close): clients must
    // handle both ECONNREFUSED and ENOENT while the server is down.
    await server.emit(alerts(1, 3));
    const endpoint = server.endpoint;
    await server.restart();
    expect(server.endpoint).toBe(endpoint);
    expect(rules(await readAll(connect(server).outputs.get({})))).toEqual(range(1, 3));
  });

  it("serves mutual TLS on 127.0.0.1 and refuses clients without a good certificate", async () => {
    const server = await start({ host: "127.0.0.1", port: 0, tls: pki.serverTls });
    expect(server.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    await server.emit(alerts(0, 2));
    const good = connect(server, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey });
    expect(rules(await readAll(good.outputs.get({})))).toEqual(range(0, 2));
    const noCert = connect(server, { ca: pki.caCert });
    expect(await rejectionOf(noCert.version.version({}))).toBeInstanceOf(ConnectError);
    const rogue = connect(server, {
      ca: pki.caCert,
      cert: pki.rogueClientCert,
      key: pki.rogueClientKey,
    });
    expect(await rejectionOf(rogue.version.version({}))).toBeInstanceOf(ConnectError);
    expect((await good.version.version({})).version).not.toBe("");
  });

  it("refuses plaintext TCP unless insecurePlaintext is set", async () => {
    const refused = await rejectionOf(
      factory.start({ host: "127.0.0.1", port: 0 } as unknown as ListenOptions),
    );
    expect(refused).toBeInstanceOf(InsecureListenError);
    const server = await start({ host: "127.0.0.1", port: 0, insecurePlaintext: true });
    expect((await connect(server).version.version({})).version).not.toBe("");
  });

  it("kills a connection that pings too often while the server sends nothing (too_many_pings)", async () => {
    const server = await start();
    const pump = new ManualRequests();
    const stream = connect(server, undefined, 200).outputs.sub(pump)[Symbol.asyncIterator]();
    pump.send();
    await eventually(async () => (await server.stats()).subscribers === 1);
    const error = ConnectError.from(await rejectionOf(stream.next()));
    expect(error.message).toMatch(/error code 11|too_many_pings/i); // ENHANCE_YOUR_CALM
  });

  it("answers version like Falco 0.43.1 by default", async () => {
    const server = await start();
    const answer = await connect(server).version.version({});
    expect({ ...answer, $typeName: undefined }).toEqual({
      $typeName: undefined,
      version: "0.43.1",
      major: 0,
      minor: 43,
      patch: 1,
      prerelease: "",
      build: "",
      engineMinor: 50,
      engineFieldsChecksum: expect.stringMatching(/^[0-9a-f]{64}$/),
      engineMajor: 0,
      enginePatch: 0,
      engineVersion: "0.50.0",
    });
  });
});
