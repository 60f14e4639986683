// A 3-node JetStream cluster on loopback with a replicas=3 stream: one node killed
// mid-stream, nothing lost, nothing duplicated.
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { createNatsForwarder, subscribeFleet } from "../src/index.js";
import {
  defer,
  eventually,
  falcoHost,
  forwardFromFalco,
  key,
  natsCluster,
  readUntil,
} from "./helpers.js";

describe("3-node JetStream cluster", () => {
  it("a node killed mid-stream: every alert stored on the survivors, read once", async () => {
    const cluster = await natsCluster(3);
    const { server, generator } = await falcoHost("k8s-node-1");
    const forwarder = createNatsForwarder({
      servers: [...cluster.urls],
      stream: { replicas: 3 },
      // Retries come from events only: the connection back, or the stream's new leader
      // elected (its advisory). A retry that waited for its delay would miss the test's wait.
      retryDelayMs: 60_000,
      ackTimeoutMs: 2000,
      // The cluster elects its JetStream leader a moment after the nodes are up.
      waitForServer: true,
    });
    defer(() => forwarder.close());
    if (process.env.DEBUG_NATS) {
      void (async () => {
        for await (const e of forwarder.status())
          console.log(new Date().toISOString(), e, forwarder.stats());
      })();
    }
    await forwardFromFalco(forwarder, server.endpoint);
    const batch1 = generator.take(150);
    await server.emit(batch1);
    await eventually(() => forwarder.stats().published === 150, "first batch");

    // Kill the node that leads the stream: the hardest one to lose.
    const nc = await connect({ servers: [...cluster.urls] });
    defer(() => nc.close());
    const info = await (await jetstreamManager(nc)).streams.info("FALCO_ALERTS");
    expect(info.config.num_replicas).toBe(3);
    const leader = cluster.nodes.find((_, i) => info.cluster?.leader === `node-${i}`);
    expect(leader).toBeDefined();
    await leader?.kill();
    const batch2 = generator.take(150);
    await server.emit(batch2);
    await eventually(() => forwarder.stats().published === 300, "second batch after the kill");
    expect(forwarder.stats()).toMatchObject({ dropped: 0, rejected: 0, backlog: 0 });

    const survivors = cluster.nodes.filter((n) => n !== leader).map((n) => n.url);
    const got = await readUntil(
      subscribeFleet({ servers: survivors, durable: "after-failover", start: "all" }),
      (seen) => seen.length >= 300,
    );
    const expected = [...batch1, ...batch2].map(
      (a) => `k8s-node-1|${(a.time?.seconds ?? 0n) * 1_000_000_000n + BigInt(a.time?.nanos ?? 0)}`,
    );
    expect(got.map(key)).toEqual(expected);
  });
});
