// relay.subscribe() is core's AlertSubscription, like every package's subscription: one loop,
// pending, closed with why, unsubscribe(), await using, status(), close() drains first.
import { AlreadyIteratedError } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import { defer, eventually } from "../test/helpers.js";
import { jsonAlert, pushableSource } from "../test/pushable-source.js";
import { createAlertRelay } from "./index.js";

function relayWithSource() {
  const source = pushableSource();
  const relay = createAlertRelay({ sources: [source] });
  defer(() => relay.close());
  return { relay, source };
}

describe("relay.subscribe(): the AlertSubscription contract", () => {
  it("refuses a second iteration, counts pending, and says why it ended", async () => {
    const { relay, source } = relayWithSource();
    const subscription = relay.subscribe();
    const loop = subscription[Symbol.asyncIterator]();
    expect(() => subscription[Symbol.asyncIterator]()).toThrow(AlreadyIteratedError);
    source.push(jsonAlert(0));
    source.push(jsonAlert(1));
    await eventually(() => subscription.pending === 2);
    expect((await loop.next()).value?.outputFields.seq).toBe(0);
    expect(subscription.pending).toBe(1);
    subscription.unsubscribe();
    expect(await subscription.closed).toEqual({ reason: "unsubscribed" });
    expect(await loop.next()).toMatchObject({ done: true });
    await eventually(() => relay.stats().subscribers.length === 0);
  });

  it("close() lets the loop take what is queued, then ends it as completed", async () => {
    const { relay, source } = relayWithSource();
    const subscription = relay.subscribe();
    const events: string[] = [];
    const watching = (async () => {
      for await (const event of subscription.status()) events.push(event.type);
    })();
    for (let i = 0; i < 3; i++) source.push(jsonAlert(i));
    await eventually(() => subscription.pending === 3);
    await relay.close();
    const seen: unknown[] = [];
    for await (const alert of subscription) seen.push(alert.outputFields.seq);
    expect(seen).toEqual([0, 1, 2]);
    expect(await subscription.closed).toEqual({ reason: "completed" });
    await watching;
    expect(events).toEqual(["closed"]);
  });

  it("await using and a signal end it, and it leaves the relay", async () => {
    const { relay } = relayWithSource();
    {
      await using subscription = relay.subscribe();
      expect(relay.stats().subscribers).toHaveLength(1);
      expect(subscription.pending).toBe(0);
    }
    expect(relay.stats().subscribers).toHaveLength(0);
    const controller = new AbortController();
    const aborted = relay.subscribe({ signal: controller.signal });
    controller.abort();
    expect(await aborted.closed).toEqual({ reason: "aborted" });
    expect(relay.stats().subscribers).toHaveLength(0);
  });
});
