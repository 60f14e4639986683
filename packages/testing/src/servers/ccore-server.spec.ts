import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { service as outputsService } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getAll, subscribe, tlsClients, unixClients } from "../../test/ccore-test-clients.js";
import { createTestPki } from "../pki/pki.js";
import { CCoreUnavailableError } from "./ccore-errors.js";
import { startCCoreFalcoServer } from "./ccore-server.js";
import type { AlertInit, FalcoServer } from "./falco-server.js";

const alert = (n: number): AlertInit => ({
  rule: `rule ${n}`,
  priority: 4,
  output: `alert ${n}`,
  outputFields: { "proc.name": "bash", "evt.num": String(n) },
  tags: ["container", "shell"],
  hostname: "web-1",
  source: "syscall",
  time: { seconds: 1651447772n, nanos: 918828894 },
});
const alerts = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => alert(from + i));

let dir: string;
let server: FalcoServer | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "ccore-spec-"));
});
afterEach(async () => {
  const [ownServer, ownDir] = [server, dir];
  server = undefined;
  try {
    await ownServer?.[Symbol.asyncDispose]();
  } finally {
    rmSync(ownDir, { recursive: true, force: true });
  }
});

async function unixServer() {
  const socketPath = join(dir, "falco.sock");
  server = await startCCoreFalcoServer({ listen: { socketPath } });
  return { server, clients: unixClients(socketPath), socketPath };
}

describe("startCCoreFalcoServer over a unix socket", () => {
  it("answers version and get with the emitted alerts, field for field", async () => {
    const { server, clients } = await unixServer();
    expect(server.endpoint).toBe(`unix://${join(dir, "falco.sock")}`);
    const version = await clients.version.version({});
    expect(version.version).toBe("0.43.1");
    expect(version.minor).toBe(43);
    await server.emit(alerts(1, 3));
    const got = await getAll(clients);
    expect(got.map((a) => a.rule)).toEqual(["rule 1", "rule 2", "rule 3"]);
    expect(got[0]?.time?.seconds).toBe(1651447772n);
    expect(got[0]?.time?.nanos).toBe(918828894);
    expect(got[0]?.priority).toBe(4);
    expect(got[0]?.outputFields).toEqual({ "proc.name": "bash", "evt.num": "1" });
    expect(got[0]?.tags).toEqual(["container", "shell"]);
    expect(got[0]?.source).toBe("syscall");
    expect(got[0]?.hostname).toBe("web-1");
    expect(await getAll(clients)).toEqual([]); // drained: each alert goes out once
    expect(await server.stats()).toMatchObject({
      queued: 0,
      delivered: 3,
      dropped: 0,
      subscribers: 0,
    });
  });

  it("sub writes nothing until the client's first request, then drains once per request", async () => {
    const { server, clients } = await unixServer();
    await server.emit(alerts(1, 5));
    const sub = subscribe(clients);
    try {
      await expect.poll(async () => (await server.stats()).subscribers).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await server.stats()).toMatchObject({ queued: 5, delivered: 0 });
      sub.poll();
      expect((await sub.next(5)).map((a) => a.rule)).toEqual(alerts(1, 5).map((a) => a.rule));
      await server.emit(alerts(6, 2));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await server.stats()).toMatchObject({ queued: 2, delivered: 5 });
      sub.poll();
      expect((await sub.next(2)).map((a) => a.rule)).toEqual(["rule 6", "rule 7"]);
    } finally {
      sub.cancel();
    }
    const end = await sub.end;
    expect(end).toBeInstanceOf(ConnectError);
    expect((end as ConnectError).code).toBe(Code.Canceled);
    await expect.poll(async () => (await server.stats()).subscribers).toBe(0);
  });

  it("splits the queue between two subscribers (no fan-out)", async () => {
    const { server, clients, socketPath } = await unixServer();
    const a = subscribe(clients);
    const b = subscribe(unixClients(socketPath));
    try {
      await expect.poll(async () => (await server.stats()).subscribers).toBe(2);
      await server.emit(alerts(1, 10));
      a.poll();
      expect((await a.next(10)).map((x) => x.rule)).toEqual(alerts(1, 10).map((x) => x.rule));
      await server.emit(alerts(11, 10));
      b.poll();
      expect((await b.next(10)).map((x) => x.rule)).toEqual(alerts(11, 10).map((x) => x.rule));
      // Both poll while 200 alerts arrive: together they get each alert exactly once.
      const seen: string[] = [];
      const drain = async () => {
        for (let i = 0; i < 10; i++) {
          await server.emit(alerts(100 + i * 20, 20));
          a.poll();
          b.poll();
        }
        await expect.poll(async () => (await server.stats()).delivered).toBe(220);
      };
      await drain();
      const stats = await server.stats();
      expect(stats).toMatchObject({ queued: 0, dropped: 0 });
      seen.push(...(await a.next(a.buffered())).map((x) => x.rule));
      seen.push(...(await b.next(b.buffered())).map((x) => x.rule));
      expect(seen.sort()).toEqual(
        alerts(100, 200)
          .map((x) => x.rule)
          .sort(),
      );
    } finally {
      a.cancel();
      b.cancel();
    }
  });

  it("stop() ends an open sub with OK at the client's next request, then removes the socket", async () => {
    const { server, clients, socketPath } = await unixServer();
    const sub = subscribe(clients);
    sub.poll();
    await expect.poll(async () => (await server.stats()).subscribers).toBe(1);
    let stopped = false;
    const stopping = server.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stopped).toBe(false); // waits for the subscriber, like Falco
    await server.emit(alerts(1, 2));
    sub.poll();
    expect(await sub.end).toBeUndefined(); // OK, not UNAVAILABLE
    await stopping;
    expect(existsSync(socketPath)).toBe(false);
    // Like Falco: the final request popped one alert, discarded, then OK.
    expect(await server.stats()).toMatchObject({ queued: 1, dropped: 1 });
    const err = await getAll(clients).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
  });

  it("crash() resets the streams, keeps the backlog, and restart() serves it again", async () => {
    const { server, clients } = await unixServer();
    const sub = subscribe(clients);
    sub.poll();
    await expect.poll(async () => (await server.stats()).subscribers).toBe(1);
    await server.emit(alerts(1, 4));
    sub.poll();
    await sub.next(4);
    // The server counts a write once it completed; the client can see the alert first.
    await expect.poll(async () => (await server.stats()).delivered).toBe(4);
    await server.emit(alerts(5, 3));
    await server.crash();
    const end = await sub.end;
    expect(end).toBeInstanceOf(ConnectError);
    expect(await server.stats()).toMatchObject({ queued: 3, delivered: 4, subscribers: 0 });
    await server.emit(alert(8));
    await server.restart();
    expect((await getAll(unixClients(join(dir, "falco.sock")))).map((a) => a.rule)).toEqual([
      "rule 5",
      "rule 6",
      "rule 7",
      "rule 8",
    ]);
  });

  it("pause() stops answering until resume()", async () => {
    const { server, clients } = await unixServer();
    await server.pause();
    let answered = false;
    const version = clients.version.version({}).then((v) => {
      answered = true;
      return v;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    await server.resume();
    expect((await version).version).toBe("0.43.1");
  });
});

describe("startCCoreFalcoServer over mutual TLS", () => {
  it("serves a client with a certificate from the CA and refuses the others", async () => {
    const pki = await createTestPki();
    const { cert, key, ca } = pki.serverTls; // PEM as Buffers works too
    server = await startCCoreFalcoServer({
      listen: { host: "127.0.0.1", port: 0, tls: { cert: Buffer.from(cert), key, ca } },
    });
    expect(server.endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    await server.emit(alerts(1, 2));
    const good = tlsClients(server.endpoint, {
      ca: pki.caCert,
      cert: pki.clientCert,
      key: pki.clientKey,
    });
    expect((await good.version.version({})).version).toBe("0.43.1");
    const rogue = tlsClients(server.endpoint, {
      ca: pki.caCert,
      cert: pki.rogueClientCert,
      key: pki.rogueClientKey,
    });
    const rogueError = await getAll(rogue).catch((e: unknown) => e);
    expect(rogueError).toBeInstanceOf(ConnectError);
    const anonymous = tlsClients(server.endpoint, { ca: pki.caCert });
    const anonymousError = await getAll(anonymous).catch((e: unknown) => e);
    expect(anonymousError).toBeInstanceOf(ConnectError);
    // gRPC's C core refuses the handshake; connect-node reports the reset stream.
    expect((rogueError as ConnectError).code).toBe(Code.Canceled);
    expect((anonymousError as ConnectError).code).toBe(Code.Canceled);
    expect((await getAll(good)).map((a) => a.rule)).toEqual(["rule 1", "rule 2"]);
    // A crashed process comes back on the same port.
    const endpoint = server.endpoint;
    await server.emit(alert(3));
    await server.crash();
    await server.restart();
    expect(server.endpoint).toBe(endpoint);
    expect((await getAll(good)).map((a) => a.rule)).toEqual(["rule 3"]);
  });
});

describe("startCCoreFalcoServer keepalive policy (gRPC's default, like Falco)", () => {
  it("kills a connection that pings every second on an idle sub (too_many_pings)", async () => {
    const { server, socketPath } = await unixServer();
    const sessions = new Http2SessionManager(
      "http://localhost",
      { pingIntervalMs: 1_000, pingIdleConnection: true },
      { createConnection: () => connect(socketPath) },
    );
    try {
      const transport = createGrpcTransport({
        baseUrl: "http://localhost",
        sessionManager: sessions,
      });
      const sub = subscribe({
        outputs: createClient(outputsService, transport),
        version: createClient(versionService, transport),
      });
      sub.poll();
      await expect.poll(async () => (await server.stats()).subscribers).toBe(1);
      const end = await sub.end; // GOAWAY ENHANCE_YOUR_CALM after a few pings
      expect(end).toBeInstanceOf(ConnectError);
      expect((end as ConnectError).message).toMatch(/error code 11/); // ENHANCE_YOUR_CALM
    } finally {
      sessions.abort();
    }
  }, 30_000);
});

describe("startCCoreFalcoServer start-up failures", () => {
  it("fails with CCoreUnavailableError naming the packages when Python is missing", async () => {
    const err = await startCCoreFalcoServer({
      listen: { socketPath: join(dir, "x.sock") },
      python: join(dir, "no-such-python"),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "CCoreUnavailableError", code: "ccore-unavailable" });
    expect((err as Error).message).toContain(
      "apt-get install -y python3-grpcio python3-grpc-tools",
    );
  });

  it("fails with CCoreUnavailableError when Python has no grpc module", async () => {
    // Debian's Python without its site-packages (-S) cannot import grpc.
    const python = join(dir, "python-without-grpc");
    writeFileSync(python, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n', { mode: 0o755 });
    const err = await startCCoreFalcoServer({
      listen: { socketPath: join(dir, "x.sock") },
      python,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CCoreUnavailableError);
    expect((err as Error).message).toContain("no Python module 'grpc'");
    expect((err as Error).message).toContain("apt-get install -y python3-grpcio");
  });
});
