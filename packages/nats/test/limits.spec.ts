// Bad input and bounded memory: an alert over max_payload is reported and skipped, and the
// backlog kept while NATS is unreachable is bounded, with its drops counted and reported.
import { parseAlertJson } from "@falco-sdk/client";
import { describe, expect, it } from "vitest";
import {
  AlertTooLargeError,
  createNatsForwarder,
  type ForwarderStatus,
  subscribeFleet,
} from "../src/index.js";
import {
  defer,
  eventually,
  falcoHost,
  fleetAlert,
  fromArray,
  key,
  natsServer,
  readUntil,
} from "./helpers.js";

function record(forwarder: { status(): AsyncIterable<ForwarderStatus> }): ForwarderStatus[] {
  const events: ForwarderStatus[] = [];
  void (async () => {
    for await (const e of forwarder.status()) events.push(e);
  })();
  return events;
}

describe("limits", () => {
  it("an alert larger than max_payload is rejected once, reported, and the rest go on", async () => {
    const nats = await natsServer({ maxPayload: 4096 });
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const events = record(forwarder);
    const small = fleetAlert("big-host", 1);
    const huge = parseAlertJson({
      rule: small.rule,
      priority: "Critical",
      time: "2026-01-01T00:00:00.000000002Z",
      hostname: "big-host",
      output: "x".repeat(10_000),
      source: "syscall",
    });
    const after = fleetAlert("big-host", 3);
    await forwarder.forward(fromArray([small, huge, after]));
    expect(forwarder.stats()).toMatchObject({ received: 3, published: 2, rejected: 1, backlog: 0 });
    const rejected = events.filter((e) => e.type === "rejected");
    expect(rejected).toHaveLength(1);
    const error = rejected[0]?.type === "rejected" ? rejected[0].error : undefined;
    expect(error).toBeInstanceOf(AlertTooLargeError);
    expect(error?.message).toMatch(/exceeds the NATS server's max_payload \(4096 bytes\)/);
    const got = await readUntil(
      subscribeFleet({ servers: nats.url, start: "all" }),
      (s) => s.length === 2,
    );
    expect(got.map(key)).toEqual([small, after].map(key));
  });

  it("while NATS is down the backlog stays bounded: oldest dropped, counted, reported", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url, maxBacklog: 100, retryDelayMs: 50 });
    defer(() => forwarder.close());
    const events = record(forwarder);
    await forwarder.forward(fromArray([fleetAlert("b", 0)]));
    await nats.stop();
    const sent = Array.from({ length: 250 }, (_, i) => fleetAlert("b", i + 1));
    const done = forwarder.forward(fromArray(sent));
    await eventually(() => forwarder.stats().received === 251, "all read");
    expect(forwarder.stats()).toMatchObject({ backlog: 100, dropped: 150, published: 1 });
    expect(events.some((e) => e.type === "dropping")).toBe(true);
    await nats.restart();
    await done;
    expect(forwarder.stats()).toMatchObject({ published: 101, dropped: 150, backlog: 0 });
    expect(events).toContainEqual({ type: "dropped", count: 150, total: 150 });
    const got = await readUntil(
      subscribeFleet({ servers: nats.url, start: "all" }),
      (s) => s.length === 101,
    );
    // The newest were kept and resent in order; the one whose publish was in flight when NATS
    // went away (if the forwarder had tried one yet) is kept too, as JetStream may have it.
    expect(got).toHaveLength(101);
    expect(key(got[0] ?? fleetAlert("?", 0))).toBe(key(fleetAlert("b", 0)));
    expect(got.slice(2).map(key)).toEqual(sent.slice(151).map(key));
    expect([sent[0], sent[150]].map((a) => key(a ?? fleetAlert("?", 0)))).toContain(
      key(got[1] ?? fleetAlert("?", 0)),
    );
  });

  it('whenBacklogFull "wait": a full backlog stops reading, Falco keeps the rest, nothing lost', async () => {
    const nats = await natsServer();
    const { server, generator } = await falcoHost("patient");
    const forwarder = createNatsForwarder({
      servers: nats.url,
      maxBacklog: 50,
      whenBacklogFull: "wait",
      retryDelayMs: 50,
    });
    defer(() => forwarder.close());
    const { createFalcoClient } = await import("@falco-sdk/client");
    const client = createFalcoClient({ endpoint: server.endpoint });
    defer(() => client.close());
    const stop = new AbortController();
    const done = forwarder.forward(
      client.subscribe({ maxBufferedAlerts: 10, pollIntervalMs: 20 }),
      {
        signal: stop.signal,
      },
    );
    defer(() => stop.abort());
    await server.emit(generator.take(1));
    await eventually(() => forwarder.stats().published === 1, "connected and publishing");
    await nats.stop();
    const sent = generator.take(300);
    await server.emit(sent);
    await eventually(() => forwarder.stats().backlog === 50, "the backlog full");
    // The client stops polling once its own small buffer is full: Falco keeps the rest.
    await eventually(async () => (await server.stats()).queued > 0, "Falco keeping the rest");
    expect(forwarder.stats().dropped).toBe(0);
    await nats.restart();
    await eventually(() => forwarder.stats().published === 301, "everything published");
    expect(forwarder.stats()).toMatchObject({ dropped: 0, backlog: 0 });
    stop.abort();
    await done;
  });

  it("waitForServer: starts before NATS and forwards what it buffered once NATS is up", async () => {
    const nats = await natsServer();
    await nats.stop();
    const forwarder = createNatsForwarder({
      servers: nats.url,
      waitForServer: true,
      retryDelayMs: 50,
    });
    defer(() => forwarder.close());
    const sent = Array.from({ length: 30 }, (_, i) => fleetAlert("late", i));
    const done = forwarder.forward(fromArray(sent));
    await eventually(() => forwarder.stats().received === 30, "buffered");
    await nats.restart();
    await done;
    expect(forwarder.stats()).toMatchObject({ published: 30, backlog: 0 });
  });

  it("without waitForServer an unreachable NATS fails at once with advice", async () => {
    const nats = await natsServer();
    await nats.stop();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    await expect(forwarder.forward(fromArray([fleetAlert("x", 1)]))).rejects.toMatchObject({
      code: "nats-connection",
      message: expect.stringMatching(/is nats-server running there/),
    });
  });
});
