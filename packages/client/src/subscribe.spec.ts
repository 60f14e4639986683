// subscribe() and get() against real servers over real unix sockets: the SDK's
// Node server and the gRPC C-core server (the stack Falco's server runs on).

import type { Alert } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import {
  alerts,
  defer,
  eventually,
  recordStatus,
  SERVER_KINDS,
  startServer,
  take,
} from "../test/servers.js";
import { ConnectionError } from "./errors.js";
import { createFalcoClient } from "./falco-client.js";

const key = (a: Alert) => a.output;

describe.each(SERVER_KINDS)("subscribe and get against the $name", ({ start }) => {
  const client = (endpoint: string, options = {}) => {
    const c = createFalcoClient({ endpoint, reconnect: { initialDelayMs: 50 }, ...options });
    defer(() => c.close());
    return c;
  };

  it("delivers the backlog, then alerts emitted while idle, in order", async () => {
    const server = await startServer(start);
    const sent = alerts(300);
    await server.emit(sent.slice(0, 200));
    const falco = client(server.endpoint);
    const it = falco.subscribe()[Symbol.asyncIterator]();
    const first = await take(it, 200);
    await server.emit(sent.slice(200));
    const rest = await take(it, 100);
    await it.return?.();
    const got = [...first, ...rest];
    expect(got.map((a) => a.rule)).toEqual(sent.map((a) => a.rule));
    expect(got.map((a) => a.timeNs)).toEqual(
      sent.map((a) => (a.time?.seconds ?? 0n) * 1_000_000_000n + BigInt(a.time?.nanos ?? 0)),
    );
    expect((await server.stats()).queued).toBe(0);
  });

  it("ends cleanly on break, on an AbortSignal and on unsubscribe()", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    await server.emit(alerts(3));
    for await (const _ of falco.subscribe()) break;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    for await (const _ of falco.subscribe({ signal: controller.signal }));
    const sub = falco.subscribe();
    setTimeout(() => sub.unsubscribe(), 200);
    let count = 0;
    for await (const _ of sub) count++;
    expect(count).toBeLessThanOrEqual(2);
    await eventually(async () => (await server.stats()).subscribers === 0);
  });

  it("splits Falco's one queue between two concurrent subscribers", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    const subA = falco.subscribe();
    const subB = falco.subscribe();
    const a = subA[Symbol.asyncIterator]();
    const b = subB[Symbol.asyncIterator]();
    const seen = new Set<string>();
    const counts = [0, 0];
    const drain = async (iterator: AsyncIterator<Alert>, index: number) => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        seen.add(key(next.value));
        counts[index] = (counts[index] ?? 0) + 1;
      }
    };
    const running = [drain(a, 0), drain(b, 1)];
    await eventually(async () => (await server.stats()).subscribers === 2);
    for (let i = 0; i < 20; i++) {
      // Unique outputs: the key below must tell every alert apart.
      await server.emit(alerts(50, i + 1).map((a, j) => ({ ...a, output: `${i}/${j}` })));
      await new Promise((r) => setTimeout(r, 15));
    }
    await eventually(() => (counts[0] ?? 0) + (counts[1] ?? 0) === 1000);
    subA.unsubscribe(); // ends the loops' pending next() calls
    subB.unsubscribe();
    await Promise.all(running);
    expect(seen.size).toBe(1000); // each alert reached exactly one subscriber
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBeGreaterThan(0);
  });

  it("reconnects after a crash mid-stream and says alerts may have been lost", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    const status = recordStatus(falco);
    const it = falco.subscribe()[Symbol.asyncIterator]();
    await server.emit(alerts(5));
    expect(await take(it, 5)).toHaveLength(5);
    await server.crash();
    await server.emit(alerts(7, 2));
    setTimeout(() => server.restart(), 300);
    const after = await take(it, 7);
    await it.return?.();
    expect(after.map((a) => a.rule)).toEqual(alerts(7, 2).map((a) => a.rule));
    const types = status.map((s) => s.type);
    expect(types.slice(0, 2)).toEqual(["connecting", "connected"]);
    const lost = status.find((s) => s.type === "disconnected");
    expect(lost).toMatchObject({ alertsMayHaveBeenLost: true });
    expect(types).toContain("reconnecting");
    expect(types.lastIndexOf("connected")).toBeGreaterThan(types.indexOf("disconnected"));
  });

  it("treats Falco stopping (sub ends with OK) as a reconnect, not the end", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    const status = recordStatus(falco);
    const it = falco.subscribe()[Symbol.asyncIterator]();
    await server.emit(alerts(2));
    await take(it, 2);
    const next = it.next(); // a for-await loop always has one pending
    await server.stop(); // resolves only once our poll let the stream end with OK
    await eventually(() => status.some((s) => s.type === "reconnecting"));
    const ended = status.find((s) => s.type === "disconnected");
    // (alertsMayHaveBeenLost is true when a poll crossed Falco's GOAWAY: Falco then pops
    // one alert for it and discards it; falco-stop.spec.ts covers that.)
    expect(ended?.type === "disconnected" && ended.error.message).toMatch(/ended the alert stream/);
    await server.restart();
    await server.emit(alerts(3, 9));
    expect((await next).value?.rule).toBe(alerts(1, 9)[0]?.rule);
    expect(await take(it, 2)).toHaveLength(2);
    await it.return?.();
  });

  it("detects a hung server through liveness checks, then recovers", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint, { livenessTimeoutMs: 1000 });
    const status = recordStatus(falco);
    const it = falco.subscribe()[Symbol.asyncIterator]();
    await server.emit(alerts(1));
    await take(it, 1);
    await server.pause();
    const next = it.next();
    await eventually(() => status.some((s) => s.type === "disconnected"));
    const hung = status.find((s) => s.type === "disconnected");
    expect(hung?.type === "disconnected" && hung.error).toBeInstanceOf(ConnectionError);
    expect(hung?.type === "disconnected" && hung.error.message).toMatch(/liveness/);
    await server.resume();
    await server.emit(alerts(4, 3));
    expect((await next).done).toBe(false);
    expect(await take(it, 3)).toHaveLength(3);
    await it.return?.();
  });

  it("stops polling for a slow consumer, leaving the rest in Falco's queue", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    const it = falco.subscribe({ maxBufferedAlerts: 16 })[Symbol.asyncIterator]();
    await server.emit(alerts(40));
    await take(it, 5); // the consumer now holds 35 alerts and stalls
    for (let i = 0; i < 30; i++) {
      await server.emit(alerts(100, i + 2));
      await new Promise((r) => setTimeout(r, 10));
    }
    const stalled = await server.stats();
    // One poll drained the 40; a drain also takes what arrives while it writes,
    // until the client stops reading (4 x 16) and HTTP/2 flow control holds it.
    // No poll followed while 16 or more waited: most stays in Falco's queue.
    expect(stalled.delivered).toBeLessThan(1000);
    // Popped and written, or popped and held in its write by flow control (at most one).
    expect(3040 - stalled.delivered - stalled.queued).toBeGreaterThanOrEqual(0);
    expect(3040 - stalled.delivered - stalled.queued).toBeLessThanOrEqual(1);
    // Falco's stop does not wait for the consumer (falco-stop.spec.ts).
    const stopping = server.stop();
    const rest = await take(it, stalled.delivered - 5);
    expect(rest).toHaveLength(stalled.delivered - 5);
    await stopping;
    await it.return?.();
  });

  it("ends promptly on break while reading is paused for a slow consumer", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    await server.emit(alerts(2000));
    const it = falco.subscribe({ maxBufferedAlerts: 4 })[Symbol.asyncIterator]();
    await take(it, 1);
    await new Promise((r) => setTimeout(r, 200)); // the reader fills up and pauses
    await it.return?.(); // hung before the reader was released on return
    await eventually(async () => (await server.stats()).subscribers === 0);
  });

  it("stays connected through idle periods under Falco's keepalive policy (no pings)", async () => {
    // Both servers close a connection that sends a second HTTP/2 PING within 5 minutes
    // while idle (GOAWAY too_many_pings), as Falco's gRPC C core does.
    const server = await startServer(start);
    const falco = client(server.endpoint); // default liveness: a version call per 7.5 s of silence
    const status = recordStatus(falco);
    const it = falco.subscribe()[Symbol.asyncIterator]();
    await server.emit(alerts(1));
    await take(it, 1);
    await new Promise((r) => setTimeout(r, 5000)); // idle
    await server.emit(alerts(2, 5));
    expect(await take(it, 2)).toHaveLength(2);
    await it.return?.();
    expect(status.map((s) => s.type)).toEqual(["connecting", "connected"]);
  });

  it("filters by priority, rule, tag and source", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    const sent = alerts(400);
    await server.emit(sent);
    const got: Alert[] = [];
    for await (const a of falco.get({ minPriority: "Warning", sources: ["syscall"] })) got.push(a);
    const expected = sent.filter((a) => (a.priority ?? 0) <= 4 && a.source === "syscall");
    expect(got.map((a) => a.rule)).toEqual(expected.map((a) => a.rule));
    expect(got.length).toBeGreaterThan(0);
    await server.emit(sent);
    const tagged: Alert[] = [];
    for await (const a of falco.get({ tags: ["k8s"], rules: [/^K8s/, "Attach/Exec Pod"] })) {
      tagged.push(a);
    }
    expect(tagged.every((a) => a.tags.includes("k8s"))).toBe(true);
    expect(tagged.every((a) => a.rule.startsWith("K8s") || a.rule === "Attach/Exec Pod")).toBe(
      true,
    );
  });

  it("get drains the backlog and ends; an empty queue ends at once", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    await server.emit(alerts(50));
    let count = 0;
    for await (const _ of falco.get()) count++;
    expect(count).toBe(50);
    for await (const _ of falco.get()) count++;
    expect(count).toBe(50);
  });

  it("reads every field of the version answer", async () => {
    const server = await startServer(start);
    const v = await client(server.endpoint).version();
    expect(v.version).toBe("0.43.1");
    expect([v.major, v.minor, v.patch]).toEqual([0, 43, 1]);
    expect(v.engineVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(v.engineFieldsChecksum).not.toBe("");
    expect(v.supports).toEqual({ sourceField: true, engineSemver: true, grpcOutput: true });
  });
});
