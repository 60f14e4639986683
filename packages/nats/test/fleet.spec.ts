// Twenty Falcos (each its own gRPC test server) forwarding into one stream; durable consumers,
// replay by a second durable, and a queue of three subscribers sharing one durable.

import type { Alert } from "@falco-sdk/client";
import { describe, expect, it } from "vitest";
import { createNatsForwarder, type NatsForwarder, subscribeFleet } from "../src/index.js";
import {
  defer,
  eventually,
  falcoHost,
  forwardFromFalco,
  key,
  natsServer,
  readUntil,
} from "./helpers.js";

const HOSTS = 20;
const PER_HOST = 40;

describe("a fleet of 20 Falcos into one stream", () => {
  it("every alert reaches a durable once, a second durable again, and a queue of 3 shares them", async () => {
    const nats = await natsServer();
    const expected = new Set<string>();
    const forwarders: NatsForwarder[] = [];
    for (let h = 0; h < HOSTS; h++) {
      const hostname = `node-${h}.cluster.local`;
      const { server, generator } = await falcoHost(hostname);
      const forwarder = createNatsForwarder({ servers: nats.url });
      defer(() => forwarder.close());
      await forwardFromFalco(forwarder, server.endpoint);
      const batch = generator.take(PER_HOST);
      await server.emit(batch);
      forwarders.push(forwarder);
      for (const a of batch) {
        const ns = (a.time?.seconds ?? 0n) * 1_000_000_000n + BigInt(a.time?.nanos ?? 0);
        expected.add(`${hostname}|${ns}`);
      }
    }
    await eventually(
      () => forwarders.reduce((n, f) => n + f.stats().published, 0) === HOSTS * PER_HOST,
      "every alert published",
    );
    expect(forwarders.every((f) => f.stats().dropped === 0 && f.stats().duplicates === 0)).toBe(
      true,
    );

    const total = HOSTS * PER_HOST;
    const first = await readUntil(
      subscribeFleet({ servers: nats.url, durable: "audit", start: "all" }),
      (seen) => seen.length === total,
    );
    expect(new Set(first.map(key))).toEqual(expected);
    expect(first).toHaveLength(total); // once each
    // Each host's alerts arrive in the order that host raised them.
    for (let h = 0; h < HOSTS; h++) {
      const times = first
        .filter((a) => a.hostname === `node-${h}.cluster.local`)
        .map((a) => a.timeNs);
      expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    // The durable remembers: nothing more for it.
    const again = subscribeFleet({ servers: nats.url, durable: "audit" });
    const info = await readPending(nats.url, "audit");
    expect(info).toBe(0);
    again.unsubscribe();

    const second = await readUntil(
      subscribeFleet({ servers: nats.url, durable: "siem", start: "all" }),
      (seen) => seen.length === total,
    );
    expect(new Set(second.map(key))).toEqual(expected);

    // A queue: three subscribers on one durable share the alerts, each alert to one of them.
    const workers = [0, 1, 2].map(() =>
      subscribeFleet({ servers: nats.url, durable: "workers", start: "all", maxBufferedAlerts: 8 }),
    );
    const seen: Alert[][] = [[], [], []];
    const loops = workers.map(async (sub, i) => {
      for await (const alert of sub) {
        seen[i]?.push(alert);
        // Hand the event loop to the others, as a real handler would.
        await new Promise((r) => setImmediate(r));
      }
    });
    await eventually(() => seen.flat().length >= total, "the queue to drain the stream");
    for (const w of workers) w.unsubscribe();
    await Promise.all(loops);
    const keys = seen.flat().map(key);
    expect(new Set(keys)).toEqual(expected);
    expect(keys).toHaveLength(total); // no alert went to two workers
    for (const share of seen) expect(share.length).toBeGreaterThan(0);
  });
});

async function readPending(servers: string, durable: string): Promise<number> {
  const { connect } = await import("@nats-io/transport-node");
  const { jetstreamManager } = await import("@nats-io/jetstream");
  const nc = await connect({ servers });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info("FALCO_ALERTS", durable);
    return info.num_pending + info.num_ack_pending;
  } finally {
    await nc.close();
  }
}
