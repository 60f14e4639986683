// The subscription contract of @falco-sdk/core (AlertSubscription) as subscribe() keeps it,
// against real servers over real unix sockets: one iteration, `await using`, `closed` with
// why it ended, and a per-subscription status() that ends with `closed`.

import { AlreadyIteratedError } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import { alerts, defer, eventually, SERVER_KINDS, startServer, take } from "../test/servers.js";
import type { FalcoSubscriptionStatus } from "./client-status.js";
import { ConnectionError } from "./errors.js";
import { createFalcoClient } from "./falco-client.js";
import type { FalcoSubscription } from "./subscription.js";

function record(subscription: FalcoSubscription): Promise<FalcoSubscriptionStatus[]> {
  return (async () => {
    const events: FalcoSubscriptionStatus[] = [];
    for await (const event of subscription.status()) events.push(event);
    return events;
  })();
}

describe.each(SERVER_KINDS)("the subscription contract against the $name", ({ start }) => {
  const client = (endpoint: string, options = {}) => {
    const c = createFalcoClient({ endpoint, reconnect: { initialDelayMs: 50 }, ...options });
    defer(() => c.close());
    return c;
  };

  it("refuses a second iteration with already-iterated", async () => {
    const server = await startServer(start);
    const subscription = client(server.endpoint).subscribe();
    const loop = subscription[Symbol.asyncIterator]();
    let error: unknown;
    try {
      subscription[Symbol.asyncIterator]();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlreadyIteratedError);
    expect(error).toMatchObject({ code: "already-iterated" });
    await loop.return?.();
  });

  it("ends at the end of an await using block, discarding and reporting what it held", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    await server.emit(alerts(3));
    let subscription: FalcoSubscription | undefined;
    let status: Promise<FalcoSubscriptionStatus[]> | undefined;
    {
      await using sub = falco.subscribe();
      subscription = sub;
      status = record(sub);
      const loop = sub[Symbol.asyncIterator]();
      expect(await take(loop, 1)).toHaveLength(1);
      await eventually(() => sub.pending === 2);
    }
    expect(await subscription.closed).toEqual({ reason: "unsubscribed" });
    expect(subscription.pending).toBe(0);
    // Disposal waited for the connection to close: the server saw the subscriber leave.
    await eventually(async () => (await server.stats()).subscribers === 0);
    expect(await status).toEqual([
      { type: "connecting", endpoint: falco.endpoint },
      { type: "connected", endpoint: falco.endpoint },
      { type: "dropped", count: 2, total: 2 },
      { type: "closed", reason: "unsubscribed" },
    ]);
    // After the end, status() tells only how it ended.
    expect(await record(subscription)).toEqual([{ type: "closed", reason: "unsubscribed" }]);
  });

  it("is aborted by its signal and by the client's close()", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint);
    const controller = new AbortController();
    const bySignal = falco.subscribe({ signal: controller.signal });
    const byClose = falco.subscribe();
    const loops = [bySignal, byClose].map(async (s) => {
      for await (const _ of s);
    });
    controller.abort();
    expect(await bySignal.closed).toEqual({ reason: "aborted" });
    await falco.close();
    expect(await byClose.closed).toEqual({ reason: "aborted" });
    await Promise.all(loops);
  });

  it("says it failed, with the error its loop threw, when the reconnect policy gives up", async () => {
    const server = await startServer(start);
    const falco = client(server.endpoint, { reconnect: false });
    const subscription = falco.subscribe();
    const status = record(subscription);
    await server.emit(alerts(1));
    const loop = subscription[Symbol.asyncIterator]();
    expect(await take(loop, 1)).toHaveLength(1);
    await server.crash();
    const thrown = await loop.next().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(ConnectionError);
    expect(await subscription.closed).toEqual({ reason: "failed", error: thrown });
    const events = await status;
    expect(events.at(-1)).toEqual({ type: "closed", reason: "failed", error: thrown });
    expect(events.map((e) => e.type)).toEqual([
      "connecting",
      "connected",
      "disconnected",
      "closed",
    ]);
  });
});
