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

const ALERTS = 10_000;

describe("fan-out", () => {
  it("gives all 10,000 alerts, in order, to a client-go-like, a client-py-like and an SDK subscriber", async () => {
    const dir = tempDir();
    const upstream = await startUpstream(dir);
    const { relay, endpoint } = await startRelay(dir, upstream.endpoint);

    const goLike = startPythonSubscriber({ target: endpoint, pollInterval: 1, count: ALERTS });
    const pyLike = startPythonSubscriber({ target: endpoint, pollInterval: 0.1, count: ALERTS });
    defer(() => goLike.quit());
    defer(() => pyLike.quit());
    const sdk = createFalcoClient({ endpoint });
    defer(() => sdk.close());
    const sdkAlerts = take(sdk.subscribe(), ALERTS);
    await Promise.all([goLike.until("ready"), pyLike.until("ready")]);
    await eventually(() => relay.stats().subscribers.filter((s) => s.kind === "sub").length === 3);

    await upstream.emit(numberedAlerts(ALERTS));
    await Promise.all([goLike.until("done"), pyLike.until("done")]);
    const viaSdk = await sdkAlerts;

    const expected = Array.from({ length: ALERTS }, (_, i) => String(i));
    expect(goLike.alerts.map((a) => (a.output_fields as Record<string, string>).seq)).toEqual(
      expected,
    );
    expect(pyLike.alerts.map((a) => (a.output_fields as Record<string, string>).seq)).toEqual(
      expected,
    );
    expect(viaSdk.map((a) => a.outputFields.seq)).toEqual(expected);
    // Every field as the upstream sent it, e.g. hostname of the source Falco.
    expect(goLike.alerts[0]).toMatchObject({
      hostname: "upstream-1",
      source: "syscall",
      tags: ["a", "b"],
    });

    const stats = relay.stats();
    expect(stats.received).toBe(ALERTS);
    expect(stats.dropped).toBe(0);
    expect(stats.delivered).toBe(3 * ALERTS);
    // The SDK's subscription left when its loop ended; the Python ones are still attached.
    const subs = stats.subscribers.filter((s) => s.kind === "sub");
    expect(subs.map((s) => [s.delivered, s.dropped, s.peer.startsWith("grpc-python")])).toEqual([
      [ALERTS, 0, true],
      [ALERTS, 0, true],
    ]);
    expect(stats.sources).toEqual([{ name: upstream.endpoint, received: ALERTS, active: true }]);
  });

  it("in-process subscriptions get every alert too, and count what they miss", async () => {
    const dir = tempDir();
    const upstream = await startUpstream(dir);
    const { relay } = await startRelay(dir, upstream.endpoint, { maxQueued: 10 });
    const reader = relay.subscribe();
    const idle = relay.subscribe(); // never read
    defer(() => idle.unsubscribe());
    const got = take(reader, 100);
    for (let i = 0; i < 10; i++) {
      await upstream.emit(numberedAlerts(10, i * 10));
      await eventually(() => relay.stats().subscribers[0]?.queued === 0);
    }
    expect((await got).map((a) => a.outputFields.seq)).toEqual(
      Array.from({ length: 100 }, (_, i) => String(i)),
    );
    // The reader left when its loop ended; the idle one lost all but the last 10, alone.
    const stats = relay.stats();
    expect(stats.subscribers).toMatchObject([
      { kind: "local", delivered: 0, dropped: 90, queued: 10 },
    ]);
    expect(stats).toMatchObject({ received: 100, delivered: 100, dropped: 90 });
  });
});
