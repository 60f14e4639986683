import { describe, expect, it } from "vitest";
import type { Alert } from "./alert.js";
import { BoundedFanout, type FanoutSubscription } from "./bounded-fanout.js";
import { AlreadyIteratedError } from "./errors.js";

const alert = (rule: string) => ({ rule }) as Alert;
const rules = (alerts: readonly Alert[]) => alerts.map((a) => a.rule);

async function take(subscription: AsyncIterable<Alert>, n: number): Promise<Alert[]> {
  const out: Alert[] = [];
  if (n === 0) return out;
  for await (const a of subscription) {
    out.push(a);
    if (out.length === n) break;
  }
  return out;
}

describe("BoundedFanout", () => {
  it("hands every alert to every subscription", async () => {
    const fanout = new BoundedFanout(10);
    const one = fanout.subscribe();
    const two = fanout.subscribe();
    for (const r of ["a", "b"]) fanout.publish(alert(r));
    expect(rules(await take(one, 2))).toEqual(["a", "b"]);
    expect(rules(await take(two, 2))).toEqual(["a", "b"]);
    expect([fanout.received, fanout.dropped, fanout.consumerCount]).toEqual([2, 0, 0]);
  });

  it("drops the oldest alerts of a subscription that falls behind, and only its own", async () => {
    const drops: [number, FanoutSubscription | undefined][] = [];
    const fanout = new BoundedFanout(2, (total, s) => drops.push([total, s]));
    const slow = fanout.subscribe();
    const fast = fanout.subscribe();
    const fastLoop = fast[Symbol.asyncIterator]();
    const fastSeen: string[] = [];
    for (const r of ["a", "b", "c", "d"]) {
      fanout.publish(alert(r));
      const next = await fastLoop.next();
      if (!next.done) fastSeen.push(next.value.rule);
    }
    expect(fastSeen).toEqual(["a", "b", "c", "d"]);
    expect(fast.overflowed).toBe(0);
    expect([slow.pending, slow.overflowed, fanout.dropped, fanout.queued]).toEqual([2, 2, 2, 2]);
    expect(drops).toEqual([
      [1, slow],
      [2, slow],
    ]);
    expect(rules(await take(slow, 2))).toEqual(["c", "d"]);
  });

  it("keeps alerts published before the first subscription, up to capacity", async () => {
    const drops: unknown[] = [];
    const fanout = new BoundedFanout(2, (_total, s) => drops.push(s));
    for (const r of ["a", "b", "c"]) fanout.publish(alert(r));
    expect([fanout.queued, fanout.dropped, drops]).toEqual([2, 1, [undefined]]);
    const first = fanout.subscribe();
    expect(rules(await take(first, 2))).toEqual(["b", "c"]);
  });

  it("detaches a subscription when it ends, discarding its queue", async () => {
    const fanout = new BoundedFanout(10);
    const controller = new AbortController();
    const subscription = fanout.subscribe({ signal: controller.signal });
    const other = fanout.subscribe();
    fanout.publish(alert("a"));
    controller.abort();
    expect(await subscription.closed).toEqual({ reason: "aborted" });
    expect([fanout.consumerCount, fanout.queued, subscription.dropped]).toEqual([1, 1, 1]);
    other.unsubscribe();
    expect(fanout.consumerCount).toBe(0);
    expect(fanout.subscribe({ signal: AbortSignal.abort() }).end).toEqual({ reason: "aborted" });
    expect(fanout.consumerCount).toBe(0);
  });

  it("ends every subscription at closeAll(), after what each has queued", async () => {
    const fanout = new BoundedFanout(10);
    const one = fanout.subscribe();
    const two = fanout.subscribe();
    const loop = take(one, 5);
    fanout.publish(alert("a"));
    fanout.closeAll({ reason: "completed" });
    expect(rules(await loop)).toEqual(["a"]);
    expect(await two.closed).toEqual({ reason: "completed" });
    expect(rules(await take(two, 5))).toEqual(["a"]);
  });

  it("refuses a second iteration of one subscription", () => {
    const subscription = new BoundedFanout(1).subscribe();
    subscription[Symbol.asyncIterator]();
    expect(() => subscription[Symbol.asyncIterator]()).toThrow(AlreadyIteratedError);
  });
});
