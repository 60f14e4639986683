// Faults on the way Falco -> forwarder -> JetStream -> consumer: each ends with every alert
// delivered and no duplicate reaching the consumer beyond what at-least-once delivers again.
import type { Alert } from "@falco-sdk/client";
import type { AlertInit } from "@falco-sdk/testing/servers";
import { describe, expect, it } from "vitest";
import { createNatsForwarder, type ForwarderStatus, subscribeFleet } from "../src/index.js";
import {
  defer,
  eventually,
  falcoHost,
  forwardFromFalco,
  key,
  natsServer,
  nodeProcess,
  readUntil,
} from "./helpers.js";

const keyOf = (hostname: string) => (a: AlertInit) =>
  `${hostname}|${(a.time?.seconds ?? 0n) * 1_000_000_000n + BigInt(a.time?.nanos ?? 0)}`;

async function consumerInfo(servers: string, durable: string) {
  const { jetstreamManager } = await import("@nats-io/jetstream");
  const { connect } = await import("@nats-io/transport-node");
  const nc = await connect({ servers });
  try {
    return await (await jetstreamManager(nc)).consumers.info("FALCO_ALERTS", durable);
  } finally {
    await nc.close();
  }
}

async function readAll(servers: string, count: number, durable = "check"): Promise<Alert[]> {
  return readUntil(
    subscribeFleet({ servers, durable, start: "all" }),
    (seen) => seen.length >= count,
  );
}

function recordStatus(source: { status(): AsyncIterable<ForwarderStatus> }) {
  const events: ForwarderStatus[] = [];
  void (async () => {
    for await (const event of source.status()) events.push(event);
  })();
  return events;
}

describe("faults", () => {
  it("nats-server restarted mid-stream: the backlog drains after it returns, in order", async () => {
    const nats = await natsServer();
    const { server, generator } = await falcoHost("web-1");
    const forwarder = createNatsForwarder({
      servers: nats.url,
      retryDelayMs: 100,
      ackTimeoutMs: 1000,
    });
    defer(() => forwarder.close());
    const events = recordStatus(forwarder);
    await forwardFromFalco(forwarder, server.endpoint);
    const before = generator.take(100);
    await server.emit(before);
    await eventually(() => forwarder.stats().published === 100, "first batch published");
    await nats.stop();
    const during = generator.take(150);
    await server.emit(during);
    await eventually(
      () => forwarder.stats().received === 250,
      "second batch read into the backlog",
    );
    expect(forwarder.stats().published).toBe(100);
    await nats.restart();
    await eventually(() => forwarder.stats().backlog === 0, "the backlog drained");
    expect(forwarder.stats()).toMatchObject({ received: 250, published: 250, dropped: 0 });
    const types = events.map((e) => e.type);
    expect(types).toContain("disconnected");
    expect(types.lastIndexOf("connected")).toBeGreaterThan(types.indexOf("disconnected"));
    const got = await readAll(nats.url, 250);
    expect(got.map(key)).toEqual([...before, ...during].map(keyOf("web-1")));
  });

  it("the forwarder killed and restarted while Falco keeps queueing", async () => {
    const nats = await natsServer();
    const { server, generator } = await falcoHost("db-7");
    const env = { FALCO_ENDPOINT: server.endpoint, NATS_URL: nats.url };
    const published = (lines: string[]) => JSON.parse(lines.at(-1) ?? "{}").published ?? 0;
    const first = nodeProcess("./forwarder-process.mjs", env);
    const batch1 = generator.take(120);
    await server.emit(batch1);
    await eventually(() => published(first.lines) === 120, "first forwarder published");
    await first.kill();
    const batch2 = generator.take(130);
    await server.emit(batch2); // Falco queues them while no forwarder runs
    expect((await server.stats()).queued).toBe(130);
    const second = nodeProcess("./forwarder-process.mjs", env);
    await eventually(() => published(second.lines) === 130, "second forwarder published the queue");
    const got = await readAll(nats.url, 250);
    expect(got.map(key)).toEqual([...batch1, ...batch2].map(keyOf("db-7")));
  });

  it("the consumer killed mid-batch: what it had not acknowledged is delivered again", async () => {
    const nats = await natsServer();
    const { server, generator } = await falcoHost("api-3");
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    await forwardFromFalco(forwarder, server.endpoint);
    const sent = generator.take(300);
    await server.emit(sent);
    await eventually(() => forwarder.stats().published === 300, "published");
    const order = sent.map(keyOf("api-3"));
    const seqOf = (k: string) => order.indexOf(k) + 1; // one forwarder: stream seq = order
    const env = { NATS_URL: nats.url, DURABLE: "billing", ACK_WAIT_MS: "1500" };
    const victim = nodeProcess("./consumer-process.mjs", env);
    await eventually(() => victim.lines.length >= 120, "the consumer to be mid-batch");
    await victim.kill();
    const handled = victim.lines.filter((l) => l !== "");
    // Each alert's ack is written to the socket before the next one is handed out, so the
    // server gets every ack but the one of the alert in hand (the last one handled).
    const inHand = handled.at(-1) ?? "";
    const mustBeAcked = Math.max(0, ...handled.slice(0, -1).map(seqOf));
    let ackFloor = 0;
    await eventually(async () => {
      ackFloor = (await consumerInfo(nats.url, "billing")).ack_floor.stream_seq;
      return ackFloor >= mustBeAcked;
    }, `the server to have the acks of all handled alerts but the one in hand (#${mustBeAcked})`);
    const inHandAcked = ackFloor >= seqOf(inHand);
    const rest = await readUntil(
      subscribeFleet({ servers: nats.url, durable: "billing", ackWaitMs: 1500 }),
      (seen) =>
        new Set([...handled, ...seen.map(key)]).size >= 300 &&
        (inHandAcked || seen.some((a) => key(a) === inHand)),
    );
    const all = [...handled, ...rest.map(key)];
    expect(new Set(all)).toEqual(new Set(order));
    // No count of duplicates is asserted: at least once also means an alert held (fetched
    // ahead or in hand) longer than ackWaitMs (1.5 s here) is delivered again, which a loaded
    // machine does; the crash itself adds only the alert in hand (checked above).
  });

  it("a consumer stalled past ackWaitMs: what it held goes to another subscriber, and may come twice", async () => {
    const nats = await natsServer();
    const { server, generator } = await falcoHost("api-4");
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    await forwardFromFalco(forwarder, server.endpoint);
    const sent = generator.take(300);
    await server.emit(sent);
    await eventually(() => forwarder.stats().published === 300, "published");
    const order = sent.map(keyOf("api-4"));
    const seqOf = (k: string) => order.indexOf(k) + 1;
    // The consumer stops itself on taking its 60th alert, before handling it: stopping it from
    // here once it had printed 60 lines raced it, and it had sometimes handled all 300 by then.
    const env = { NATS_URL: nats.url, DURABLE: "billing", ACK_WAIT_MS: "1500", STALL_AT: "60" };
    const stalled = nodeProcess("./consumer-process.mjs", env);
    await eventually(
      () => stalled.stderr().includes("stalling"),
      "the consumer to stall mid-batch",
    );
    const info = await consumerInfo(nats.url, "billing");
    const held = info.delivered.stream_seq;
    const other = subscribeFleet({ servers: nats.url, durable: "billing" });
    const iterator = other[Symbol.asyncIterator]();
    const rest: string[] = [];
    // After ackWaitMs the server gives the stalled consumer's alerts to the other subscriber.
    while (!rest.some((k) => seqOf(k) <= held)) {
      const next = await iterator.next();
      if (next.done) throw new Error("the subscription ended");
      rest.push(key(next.value));
    }
    const before = stalled.lines.length;
    stalled.child.kill("SIGCONT"); // it handles what it held (the 60th at least), then dies
    await eventually(() => stalled.lines.length > before, "the stalled consumer to go on");
    await stalled.kill();
    const handled = stalled.lines.filter((l) => l !== "");
    while (new Set([...handled, ...rest]).size < 300) {
      const next = await iterator.next();
      if (next.done) throw new Error("the subscription ended");
      rest.push(key(next.value));
    }
    other.unsubscribe();
    await iterator.next();
    const all = [...handled, ...rest];
    expect(new Set(all)).toEqual(new Set(order));
    // Several may come twice (the stalled one handles what it held), never one acked before.
    const twice = all.filter((k, i) => all.indexOf(k) !== i);
    expect(twice.filter((k) => seqOf(k) <= info.ack_floor.stream_seq)).toEqual([]);
  });

  it("Falco restarted: the client reconnects and the forwarder goes on without loss", async () => {
    const nats = await natsServer();
    const { server, generator } = await falcoHost("edge-2");
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    await forwardFromFalco(forwarder, server.endpoint);
    const batch1 = generator.take(80);
    await server.emit(batch1);
    await eventually(() => forwarder.stats().published === 80, "first batch");
    await server.stop();
    const batch2 = generator.take(90);
    await server.emit(batch2); // queued while stopped: Falco's queue survives a restart
    await server.restart();
    await eventually(() => forwarder.stats().published === 170, "second batch");
    const got = await readAll(nats.url, 170);
    expect(got.map(key)).toEqual([...batch1, ...batch2].map(keyOf("edge-2")));
    expect(forwarder.stats().duplicates).toBe(0);
  });

  it("the same alert forwarded twice (two paths, or a resend) reaches consumers once", async () => {
    const nats = await natsServer();
    const { server, generator } = await falcoHost("dup-1");
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    await forwardFromFalco(forwarder, server.endpoint);
    const sent = generator.take(40);
    await server.emit(sent);
    await server.emit(sent); // the same 40 alerts again
    await eventually(() => forwarder.stats().published === 80, "both copies acked");
    expect(forwarder.stats().duplicates).toBe(40);
    const sub = subscribeFleet({ servers: nats.url, durable: "once", start: "all" });
    const got = await readUntil(sub, (seen) => seen.length >= 40);
    expect(got.map(key)).toEqual(sent.map(keyOf("dup-1")));
    const { jetstreamManager } = await import("@nats-io/jetstream");
    const { connect } = await import("@nats-io/transport-node");
    const nc = await connect({ servers: nats.url });
    defer(() => nc.close());
    const info = await (await jetstreamManager(nc)).streams.info("FALCO_ALERTS");
    expect(info.state.messages).toBe(40);
  });
});
