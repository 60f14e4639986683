// receiver.alerts() is core's AlertSubscription, like every package's subscription: one loop
// (the relay refused a second one and the receiver did not: now both do), pending, closed
// with why, unsubscribe(), await using, and close() lets the loop take what was queued.
import { AlreadyIteratedError } from "@falco-sdk/core";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpAlertReceiver, type HttpAlertReceiver } from "./index.js";

const open: HttpAlertReceiver[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) await r.close();
});

const alert = (i: number) =>
  JSON.stringify({
    output: `12:00:00.000000000: Notice alert ${i}`,
    priority: "Notice",
    rule: "Numbered",
    time: "2026-01-01T00:00:00Z",
  });
const post = async (url: string, body: string) =>
  (await fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body }))
    .status;

describe("receiver.alerts(): the AlertSubscription contract", () => {
  it("refuses a second iteration, counts pending, and says why it ended", async () => {
    const r = await createHttpAlertReceiver({ port: 0 });
    open.push(r);
    const subscription = r.alerts();
    const loop = subscription[Symbol.asyncIterator]();
    expect(() => subscription[Symbol.asyncIterator]()).toThrow(AlreadyIteratedError);
    expect(await post(r.url, alert(0))).toBe(204);
    expect(await post(r.url, alert(1))).toBe(204);
    expect((await loop.next()).value?.output).toMatch(/alert 0$/);
    subscription.unsubscribe();
    expect(await subscription.closed).toEqual({ reason: "unsubscribed" });
    expect(await loop.next()).toMatchObject({ done: true });
    expect(r.stats().consumers).toBe(0);
  });

  it("close() lets the loop take what is queued, then ends it as completed", async () => {
    const r = await createHttpAlertReceiver({ port: 0 });
    open.push(r);
    const subscription = r.alerts();
    for (let i = 0; i < 3; i++) expect(await post(r.url, alert(i))).toBe(204);
    await r.close();
    expect(subscription.pending).toBe(3);
    const seen: string[] = [];
    for await (const a of subscription) seen.push(a.output);
    expect(seen.map((o) => o.slice(-7))).toEqual(["alert 0", "alert 1", "alert 2"]);
    expect(await subscription.closed).toEqual({ reason: "completed" });
    // Called after the close, it ends at once.
    expect(await r.alerts().closed).toEqual({ reason: "completed" });
  });

  it("await using and a signal end it, and it leaves the receiver", async () => {
    const r = await createHttpAlertReceiver({ port: 0 });
    open.push(r);
    {
      await using subscription = r.alerts();
      expect(r.stats().consumers).toBe(1);
      expect(subscription.pending).toBe(0);
    }
    expect(r.stats().consumers).toBe(0);
    const controller = new AbortController();
    const aborted = r.alerts({ signal: controller.signal });
    controller.abort();
    expect(await aborted.closed).toEqual({ reason: "aborted" });
    expect(r.stats().consumers).toBe(0);
  });
});
