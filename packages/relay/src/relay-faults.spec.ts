import { createFalcoClient } from "@falco-sdk/client";
import { describe, expect, it } from "vitest";
import {
  defer,
  eventually,
  numberedAlerts,
  startRelay,
  startUpstream,
  take,
  tempDir,
} from "../test/helpers.js";
import { startPythonSubscriber } from "../test/python-subscriber.js";
import { grpcFrame, rawPeer } from "../test/raw-grpc.js";

const seqs = (alerts: Record<string, unknown>[]) =>
  alerts.map((a) => (a.output_fields as Record<string, string>).seq);

describe("faults", () => {
  it("subscribers stay connected while the upstream Falco stops, crashes and restarts", async () => {
    const dir = tempDir();
    const upstream = await startUpstream(dir);
    const { relay, endpoint, events } = await startRelay(dir, upstream.endpoint);
    const py = startPythonSubscriber({ target: endpoint, pollInterval: 0.1 });
    defer(() => py.quit());
    const sdk = createFalcoClient({ endpoint });
    defer(() => sdk.close());
    const sdkAlerts = take(sdk.subscribe(), 30);
    await eventually(() => relay.stats().subscribers.length === 2);
    const connected = () =>
      events.filter((e) => e.type === "source-status" && e.event.type === "connected").length;
    await eventually(() => connected() === 1);

    await upstream.emit(numberedAlerts(10, 0));
    await eventually(() => py.alerts.length === 10);
    await upstream.crash(); // killed: connections reset
    await upstream.restart();
    await eventually(() => connected() === 2);
    await upstream.emit(numberedAlerts(10, 10));
    await eventually(() => py.alerts.length === 20);
    await upstream.stop(); // Falco's stop: sub ends OK at the relay's next poll
    await upstream.restart();
    await eventually(() => connected() === 3);
    await upstream.emit(numberedAlerts(10, 20));
    await eventually(() => py.alerts.length === 30);

    const expected = Array.from({ length: 30 }, (_, i) => String(i));
    expect(seqs(py.alerts)).toEqual(expected);
    expect((await sdkAlerts).map((a) => a.outputFields.seq)).toEqual(expected);
    // The relay saw the upstream go and come back; its subscribers never noticed.
    expect(events.filter((e) => e.type === "subscriber-connected")).toHaveLength(2);
    expect(events.some((e) => e.type === "source-status" && e.event.type === "disconnected")).toBe(
      true,
    );
  });

  it("a subscriber that stops polling overflows alone, counted, and the relay's stop ends its call OK", async () => {
    const dir = tempDir();
    const upstream = await startUpstream(dir);
    const { relay, endpoint, events } = await startRelay(dir, upstream.endpoint, {
      maxQueued: 100,
    });
    const good = startPythonSubscriber({ target: endpoint, pollInterval: 0.1, count: 1005 });
    defer(() => good.quit());
    await eventually(() => relay.stats().subscribers.length === 1);
    const idle = startPythonSubscriber({
      target: endpoint,
      pollInterval: 0.1,
      stopPollingAfter: 5,
    });
    defer(() => idle.quit());
    await eventually(() => relay.stats().subscribers.length === 2);
    await upstream.emit(numberedAlerts(5, 0));
    await eventually(() => idle.alerts.length === 5 && good.alerts.length === 5);
    // In bursts the polling subscriber keeps up with (a burst over maxQueued would overflow it too).
    for (let i = 5; i < 1005; i += 50) {
      await upstream.emit(numberedAlerts(50, i));
      await eventually(() => good.alerts.length === i + 50);
    }
    await good.until("done");

    expect(seqs(good.alerts)).toEqual(Array.from({ length: 1005 }, (_, i) => String(i)));
    const [goodStats, idleStats] = relay.stats().subscribers;
    expect(goodStats).toMatchObject({ delivered: 1005, dropped: 0 });
    expect(idleStats).toMatchObject({ delivered: 5, dropped: 900, queued: 100 });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "subscriber-dropping", subscriber: idleStats?.id }),
    );

    await relay.close();
    // Falco would wait for its next request forever; the relay ends the call with OK.
    expect(await idle.until("end")).toEqual({ end: "OK", received: 5 });
  });

  it("a subscriber that keeps polling but stops reading overflows alone, and the relay's stop does not wait for it", async () => {
    const dir = tempDir();
    const upstream = await startUpstream(dir);
    const { relay, endpoint, socketPath } = await startRelay(dir, upstream.endpoint, {
      maxQueued: 1000,
    });
    const TOTAL = 3000;
    const good = startPythonSubscriber({ target: endpoint, pollInterval: 0.1, count: TOTAL });
    defer(() => good.quit());
    // A real HTTP/2 peer that polls every 100 ms but never reads: flow control holds the
    // relay's writes to it once its 64 KiB window is full.
    const peer = rawPeer(socketPath);
    defer(() => peer.close());
    const stuck = peer.call("/falco.outputs.service/sub");
    stuck.stream.pause();
    const poll = setInterval(() => stuck.stream.write(grpcFrame(Buffer.alloc(0))), 100);
    defer(() => clearInterval(poll));
    await eventually(() => relay.stats().subscribers.length === 2);
    const padding = "x".repeat(1024);
    const alerts = numberedAlerts(TOTAL).map((a) => ({ ...a, output: `${a.output} ${padding}` }));
    for (let i = 0; i < TOTAL; i += 500) {
      await upstream.emit(alerts.slice(i, i + 500));
      await eventually(() => good.alerts.length === i + 500);
    }
    await good.until("done");
    expect(seqs(good.alerts)).toEqual(Array.from({ length: TOTAL }, (_, i) => String(i)));
    const byPeer = () => {
      const subscribers = relay.stats().subscribers;
      return {
        goodStats: subscribers.find((s) => s.peer.startsWith("grpc-python")),
        stuckStats: subscribers.find((s) => s.peer === "unknown"), // sent no user-agent
      };
    };
    const { goodStats, stuckStats } = byPeer();
    expect(goodStats).toMatchObject({ delivered: TOTAL, dropped: 0 });
    // Written until the window was full, then its own queue (1000) overflowed.
    expect(stuckStats?.delivered).toBeLessThan(200);
    expect(stuckStats?.queued).toBe(1000);
    // ... plus the one alert whose write flow control holds.
    expect(
      (stuckStats?.delivered ?? 0) + (stuckStats?.dropped ?? 0) + (stuckStats?.queued ?? 0) + 1,
    ).toBe(TOTAL);

    // The stuck call's write never completes: close() destroys its connection after
    // stopGraceMs (1000 ms by default) instead of waiting like Falco would.
    const started = performance.now();
    await relay.close();
    console.log(
      `relay close() with a client that stopped reading: ${Math.round(performance.now() - started)} ms`,
    );
    expect(relay.stats().subscribers).toEqual([]);
    expect((await stuck.status).code).toBe(-1); // reset, no status: its connection was destroyed
  });
});
