import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http2 from "node:http2";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { SocketInUseError } from "@falco-sdk/grpc-server";
import { service as outputsService } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eventually, ManualRequests, rejectionOf, take } from "../../test/spec-helpers.js";
import { ServerListenError, ServerStateError } from "../errors.js";
import { createFalcoTestServer } from "./node-server.js";
import { createTestTransport } from "./test-transport.js";

describe("createFalcoTestServer (Node specifics)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "falco-node-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a custom version over the defaults", async () => {
    await using server = await createFalcoTestServer({
      listen: { socketPath: join(dir, "falco.sock") },
      version: { version: "0.38.2", minor: 38, patch: 2 },
    });
    using connection = createTestTransport({ endpoint: server.endpoint });
    const answer = await createClient(versionService, connection.transport).version({});
    expect(answer).toMatchObject({
      version: "0.38.2",
      minor: 38,
      patch: 2,
      engineVersion: "0.50.0",
    });
  });

  it("refuses to delete a regular file at the socket path", async () => {
    const socketPath = join(dir, "not-a-socket");
    writeFileSync(socketPath, "keep me");
    const error = await rejectionOf(createFalcoTestServer({ listen: { socketPath } }));
    expect(error).toBeInstanceOf(ServerListenError);
    expect((error as Error).cause).toBeInstanceOf(SocketInUseError);
    expect(existsSync(socketPath)).toBe(true);
  });

  it("refuses a socket another server answers on, which keeps serving", async () => {
    const socketPath = join(dir, "falco.sock");
    await using first = await createFalcoTestServer({ listen: { socketPath } });
    const error = await rejectionOf(createFalcoTestServer({ listen: { socketPath } }));
    expect(error).toBeInstanceOf(ServerListenError);
    expect((error as Error).cause).toBeInstanceOf(SocketInUseError);
    expect((error as Error).message).toMatch(/another server is listening on .*falco\.sock/);
    using connection = createTestTransport({ endpoint: first.endpoint });
    const answer = await createClient(versionService, connection.transport).version({});
    expect(answer.version).toBe("0.43.1");
  });

  it("reports a taken TCP port as ServerListenError", async () => {
    await using first = await createFalcoTestServer({
      listen: { host: "127.0.0.1", port: 0, insecurePlaintext: true },
    });
    const error = await rejectionOf(createFalcoTestServer({ listen: first.listen }));
    expect(error).toBeInstanceOf(ServerListenError);
  });

  it("tracks its state, refuses restart() while listening, and keeps the port on restart", async () => {
    const server = await createFalcoTestServer({
      listen: { host: "127.0.0.1", port: 0, insecurePlaintext: true },
    });
    try {
      expect(server.state).toBe("listening");
      expect(await rejectionOf(server.restart())).toBeInstanceOf(ServerStateError);
      const endpoint = server.endpoint;
      server.emitSync([{ rule: "a" }, { rule: "b" }]);
      await server.stop();
      expect(server.state).toBe("stopped");
      expect(server.statsSync()).toMatchObject({
        queued: 2,
        delivered: 0,
        dropped: 0,
        subscribers: 0,
      });
      await server.restart();
      expect(server.state).toBe("listening");
      expect(server.endpoint).toBe(endpoint);
      await server.pause();
      expect(server.paused).toBe(true);
      await server.crash();
      expect(server.state).toBe("crashed");
      await server.restart();
      expect(server.paused).toBe(false); // a restarted Falco is not hung
    } finally {
      await server.stop();
    }
  });

  it("accepts frequent pings with pingPolicy: false", async () => {
    await using server = await createFalcoTestServer({
      listen: { socketPath: join(dir, "falco.sock") },
      pingPolicy: false,
    });
    using connection = createTestTransport({ endpoint: server.endpoint, pingIntervalMs: 20 });
    const pump = new ManualRequests();
    const stream = createClient(outputsService, connection.transport)
      .sub(pump)
      [Symbol.asyncIterator]();
    pump.send();
    await new Promise((resolve) => setTimeout(resolve, 300)); // ~15 pings, no data
    await server.emit({ rule: "still connected" });
    pump.send();
    expect((await take(stream, 1))[0]?.rule).toBe("still connected");
  });

  it("serves threadiness x 10 calls per method; the next one waits unanswered for a slot", async () => {
    await using server = await createFalcoTestServer({
      listen: { socketPath: join(dir, "falco.sock") },
      threadiness: 1,
    });
    const connections = Array.from({ length: 11 }, () =>
      createTestTransport({ endpoint: server.endpoint }),
    );
    try {
      const subs = connections.map((connection) => {
        const pump = new ManualRequests();
        const client = createClient(outputsService, connection.transport);
        return { pump, stream: client.sub(pump)[Symbol.asyncIterator]() };
      });
      const pending = subs.map((sub) => sub.stream.next());
      for (const promise of pending) {
        promise.catch(() => {}); // the cancelled one rejects
      }
      await server.emit({ rule: "for the 11th" });
      await eventually(() => server.statsSync().subscribers === 10);
      const eleventh = subs.find((_, i) => i === 10) as (typeof subs)[number];
      eleventh.pump.send();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(server.statsSync()).toMatchObject({ subscribers: 10, queued: 1 });
      connections[0]?.close(); // frees a slot
      expect((await pending[10])?.value?.rule).toBe("for the 11th");
      expect(server.statsSync().subscribers).toBe(10);
    } finally {
      for (const connection of connections) {
        connection.close();
      }
    }
  });

  it("prints nothing when clients drop their streams (reset, closed, torn down mid-write)", async () => {
    // A process of its own, so that everything it would print is in its
    // output once it has exited. Inside the package: `@falco-sdk/testing`
    // resolves to this package's dist/.
    const pkg = fileURLToPath(new URL("../..", import.meta.url));
    const script = join(pkg, `.drop-streams-${process.pid}.mjs`);
    writeFileSync(script, DROP_STREAMS_SCRIPT);
    try {
      const child = spawn(process.execPath, [script, join(dir, "falco.sock")]);
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise((resolve) => child.once("close", resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
      const stats = JSON.parse(stdout) as { dropped: number; subscribers: number };
      expect(stats.subscribers).toBe(0);
      expect(stats.dropped).toBeGreaterThanOrEqual(3); // three streams broke mid-drain
    } finally {
      rmSync(script, { force: true });
    }
  });
});

/** Drops sub streams every way a client can while the server writes or waits. */
const DROP_STREAMS_SCRIPT = `
import { connect as connectHttp2, constants } from "node:http2";
import { connect as connectNet } from "node:net";
import { createClient } from "@connectrpc/connect";
import { SocketInUseError } from "@falco-sdk/grpc-server";
import { create } from "@bufbuild/protobuf";
import { requestSchema, service } from "@falco-sdk/proto/outputs";
import { createFalcoTestServer, createTestTransport } from "@falco-sdk/testing/servers";

const socketPath = process.argv[2];
const server = await createFalcoTestServer({ listen: { socketPath } });
server.emitSync(Array.from({ length: 3000 }, (_, i) => ({ rule: "r" + i, output: "x".repeat(2048) })));
const until = async (check) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 5));
};
async function* polls() {
  yield create(requestSchema);
  await new Promise(() => {});
}

// A client that tears its connection down with GOAWAY CANCEL (as connect-node's
// and C-core clients do) while the server is blocked writing to it.
const session = connectHttp2("http://localhost", { createConnection: () => connectNet(socketPath) });
session.on("error", () => {});
const raw = session.request({
  ":method": "POST",
  ":path": "/falco.outputs.service/sub",
  "content-type": "application/grpc",
  te: "trailers",
});
raw.on("error", () => {});
raw.write(Buffer.alloc(5)); // one empty request message
await new Promise((resolve) => raw.once("data", resolve));
raw.pause();
session.goaway(constants.NGHTTP2_CANCEL);
await until(() => server.statsSync().subscribers === 0);
session.destroy();

for (const how of ["reset", "close", "close-idle"]) {
  const connection = createTestTransport({ endpoint: server.endpoint });
  const abort = new AbortController();
  const stream = createClient(service, connection.transport)
    .sub(polls(), { signal: abort.signal })[Symbol.asyncIterator]();
  if (how === "close-idle") {
    await until(() => server.statsSync().subscribers === 1);
  } else {
    await stream.next(); // the server now writes faster than we read
  }
  stream.next().catch(() => {}); // the call's end is ours to see
  if (how === "reset") abort.abort();
  else connection.close();
  await until(() => server.statsSync().subscribers === 0);
}
await server.stop();
process.stdout.write(JSON.stringify(server.statsSync()));
`;

describe("createFalcoTestServer with grpcio's unix-socket authority", () => {
  it("answers a call whose :authority is a percent-encoded path (grpcio 1.6x+), and keeps running", async () => {
    const dir = mkdtempSync(join(tmpdir(), "falco-node-"));
    try {
      const socketPath = join(dir, "falco.sock");
      await using server = await createFalcoTestServer({ listen: { socketPath } });
      const session = http2.connect("http://localhost", {
        createConnection: () => connect(socketPath),
      });
      try {
        const status = await new Promise<string | undefined>((resolve, reject) => {
          const call = session.request({
            ":method": "POST",
            ":path": "/falco.version.service/version",
            ":authority": `${dir.slice(1).replaceAll("/", "%2F")}%2Ffalco.sock`,
            "content-type": "application/grpc",
            te: "trailers",
          });
          call.on("trailers", (trailers) => resolve(String(trailers["grpc-status"])));
          call.on("error", reject);
          call.resume();
          call.end(Buffer.alloc(5)); // one empty, uncompressed request message
        });
        expect(status).toBe("0");
        expect((await server.stats()).subscribers).toBe(0); // still serving
      } finally {
        session.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
