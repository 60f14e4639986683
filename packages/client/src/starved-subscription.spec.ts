// Falco arms grpc.threadiness x 10 `sub` calls; a call beyond is accepted and
// never served while `version` still answers. The SDK must notice, say so in
// status(), and deliver the queued alerts all the same (through `get`).
import { createClient } from "@connectrpc/connect";
import type { Alert } from "@falco-sdk/core";
import { service } from "@falco-sdk/proto/outputs";
import { createTestTransport } from "@falco-sdk/testing/servers";
import { describe, expect, it } from "vitest";
import {
  alerts,
  defer,
  eventually,
  recordStatus,
  SERVER_KINDS,
  startServer,
} from "../test/servers.js";
import { SubscriptionStarvedError } from "./errors.js";
import { createFalcoClient } from "./falco-client.js";

describe.each(SERVER_KINDS)("a starved subscription, $name", ({ start }) => {
  it("is reported within the liveness window, still gets the queued alerts, and recovers once a slot frees", async () => {
    const server = await startServer(start, undefined, { threadiness: 1 });
    // Ten stale subscribers (crashed clients' calls) hold every sub slot.
    const stale = Array.from({ length: 10 }, () => {
      const connection = createTestTransport({ endpoint: server.endpoint });
      defer(() => connection.close());
      const never = {
        async *[Symbol.asyncIterator]() {
          await new Promise(() => {});
        },
      };
      const call = createClient(service, connection.transport).sub(never)[Symbol.asyncIterator]();
      call.next().catch(() => {});
      return connection;
    });
    await eventually(async () => (await server.stats()).subscribers === 10);
    let emitted = 0;
    const emit = async (count: number) => {
      const batch = alerts(count, emitted + 1).map((a, i) => ({ ...a, output: `#${emitted + i}` }));
      emitted += count;
      await server.emit(batch);
    };
    await emit(20); // sits in Falco's queue

    const falco = createFalcoClient({ endpoint: server.endpoint, livenessTimeoutMs: 1000 });
    defer(() => falco.close());
    const status = recordStatus(falco);
    const sub = falco.subscribe();
    const got: Alert[] = [];
    const consuming = (async () => {
      for await (const alert of sub) got.push(alert);
    })();
    await eventually(() => got.length === 20); // the queued alerts arrive anyway (get)

    // Alerts keep coming: the SDK tells "not served" from "nothing to send".
    const starved = () => status.findIndex((s) => s.type === "starved");
    while (starved() < 0) {
      await emit(1);
      await eventually(() => got.length === emitted);
    }
    const report = status[starved()];
    expect(report?.type === "starved" && report.error).toBeInstanceOf(SubscriptionStarvedError);
    expect(report?.type === "starved" && report.error.code).toBe("sub-slots-full");
    expect(report?.type === "starved" && report.error.message).toMatch(/grpc\.threadiness/);
    expect(status.map((s) => s.type).slice(0, 3)).toEqual(["connecting", "connected", "starved"]);

    stale[0]?.close(); // a slot frees: the waiting sub call is served
    const recovered = () => status.slice(starved()).some((s) => s.type === "connected");
    while (!recovered()) {
      await emit(1);
      await eventually(() => got.length === emitted);
    }
    sub.unsubscribe();
    await consuming;
    // Every alert exactly once, whichever call took it from Falco's queue.
    expect(new Set(got.map((a) => a.output)).size).toBe(emitted);
    expect(status.some((s) => s.type === "disconnected")).toBe(false);
  });
});
