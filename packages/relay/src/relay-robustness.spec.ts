import { fork } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { defer, eventually, tempDir } from "../test/helpers.js";
import { jsonAlert, pushableSource } from "../test/pushable-source.js";
import { startPythonSubscriber } from "../test/python-subscriber.js";
import { grpcFrame, rawPeer } from "../test/raw-grpc.js";
import { createAlertRelay } from "./index.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

async function relayWithSource() {
  const dir = tempDir();
  const source = pushableSource();
  const relay = createAlertRelay({ sources: [source] });
  defer(() => relay.close());
  const socketPath = join(dir, "relay.sock");
  const { endpoint } = await relay.listen({ socketPath });
  return { relay, source, socketPath, endpoint };
}

const openFds = () => readdirSync("/proc/self/fd").length;

describe("robustness", () => {
  it("answers malformed and oversized gRPC frames with a gRPC error and keeps serving", async () => {
    const { relay, socketPath, endpoint } = await relayWithSource();
    const peer = rawPeer(socketPath);
    defer(() => peer.close());
    const send = async (path: string, body: Buffer) => {
      const call = peer.call(path);
      call.stream.end(body);
      return call.status;
    };
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]);
    // Over gRPC's 4 MiB receive limit (Falco's too).
    const oversized = await send(
      "/falco.outputs.service/get",
      grpcFrame(Buffer.alloc(5 * 1024 * 1024, 0x0a)),
    );
    expect(oversized.code).toBe(8); // RESOURCE_EXHAUSTED
    const notProtobuf = await send("/falco.outputs.service/get", grpcFrame(garbage));
    expect(notProtobuf.code).toBeGreaterThan(0);
    const badVersion = await send("/falco.version.service/version", grpcFrame(garbage));
    expect(badVersion.code).toBeGreaterThan(0);
    // Compressed flag without a grpc-encoding.
    const compressed = await send(
      "/falco.outputs.service/get",
      grpcFrame(Buffer.alloc(0), 0, true),
    );
    expect(compressed.code).toBeGreaterThan(0);
    // A frame cut short by the end of the stream.
    const truncated = await send("/falco.outputs.service/get", grpcFrame(Buffer.alloc(3), 100));
    expect(truncated.code).toBeGreaterThan(0);
    const truncatedSub = await send("/falco.outputs.service/sub", grpcFrame(Buffer.alloc(3), 100));
    expect(truncatedSub.code).toBeGreaterThan(0);
    const unknown = await send("/falco.outputs.service/nope", grpcFrame(Buffer.alloc(0)));
    expect(unknown.code).toBe(12); // UNIMPLEMENTED

    const client = startPythonSubscriber({ target: endpoint, mode: "version" });
    defer(() => client.quit());
    expect(await client.until("version")).toMatchObject({ prerelease: "relay" });
    await eventually(() => relay.stats().subscribers.length === 0);
  });

  it("500 connect/subscribe/disconnect cycles leak no file descriptors, subscribers or memory", {
    timeout: 120_000,
  }, async () => {
    const { relay, source, endpoint } = await relayWithSource();
    // The clients run in their own process: only the relay's memory is measured here.
    // Plain Node, resolving the built packages (not vitest's source conditions).
    const env = { ...process.env };
    delete env.NODE_OPTIONS;
    const child = fork(
      fileURLToPath(new URL("../test/cycle-client.mjs", import.meta.url)),
      [endpoint],
      {
        execArgv: [],
        env,
      },
    );
    defer(() => child.kill());
    let seq = 0;
    (async () => {
      for await (const event of relay.status()) {
        if (event.type === "subscriber-connected") source.push(jsonAlert(seq++));
        if (event.type === "subscriber-disconnected") child.send({ type: "next" });
      }
    })();
    const cycles = (n: number) =>
      new Promise<void>((resolve) => {
        child.once("message", () => resolve());
        child.send({ n });
      });
    await cycles(50); // warm-up
    gc();
    const fdsBefore = openFds();
    const heapBefore = process.memoryUsage().heapUsed;
    await cycles(500);
    await eventually(() => openFds() <= fdsBefore);
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
    console.log(
      `500 cycles: relay heap ${(heapGrowth / 1e6).toFixed(2)} MB, fds ${fdsBefore} -> ${openFds()}`,
    );
    expect(openFds()).toBeLessThanOrEqual(fdsBefore);
    // A leaked session, stream and subscriber per cycle would hold well over 4 KiB each (2 MB).
    expect(heapGrowth).toBeLessThan(2 * 1024 * 1024);
    expect(relay.stats()).toMatchObject({
      subscribers: [],
      received: 550,
      delivered: 550,
      dropped: 0,
    });
  });
});
