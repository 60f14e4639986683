// subscribe() against the real @falco-sdk/api server on a real store: backlog, live alerts,
// resume after drops and restarts with nothing lost or repeated, gaps, backpressure.
import { afterEach, describe, expect, it } from "vitest";
import type { AlertStreamStatus, ApiAlert } from "../src/index.js";
import { createAlertStreamClient } from "../src/index.js";
import { cleanUp, dropProxy, StatusLog, startApi, testAlerts } from "./api-fixture.js";

afterEach(cleanUp);

const fast = { initialDelayMs: 20, maxDelayMs: 200, jitter: 0 };

/** Takes `n` alerts from an iterator. */
async function take(iterator: AsyncIterator<ApiAlert>, n: number): Promise<ApiAlert[]> {
  const alerts: ApiAlert[] = [];
  while (alerts.length < n) {
    const next = await iterator.next();
    if (next.done) throw new Error(`the stream ended after ${alerts.length} of ${n} alerts`);
    alerts.push(next.value);
  }
  return alerts;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("subscribe", () => {
  it("sends the stored alerts from resumeFrom with their cursors, exact, then live ones", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 5));
    const client = createAlertStreamClient({ url: api.url });
    const subscription = client.subscribe({ resumeFrom: 2 });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const iterator = subscription[Symbol.asyncIterator]();
    const backlog = await take(iterator, 3);
    expect(backlog.map((a) => a.cursor)).toEqual([3, 4, 5]);
    expect(backlog[0]?.outputFields["evt.num"]).toBe(9007199254740995n);
    expect(backlog[0]?.rule).toBe("K8s Secret Deleted");
    expect(backlog[0]?.raw).toMatchObject({ kind: "json" });
    await log.waitFor((e) => e.type === "caught-up");
    expect(log.events.find((e) => e.type === "caught-up")).toEqual({
      type: "caught-up",
      cursor: 5,
    });
    api.store.append(testAlerts(5, 7));
    expect((await take(iterator, 2)).map((a) => a.cursor)).toEqual([6, 7]);
    subscription.unsubscribe();
    expect(await subscription.closed).toEqual({ reason: "unsubscribed" });
    await log.waitFor((e) => e.type === "closed");
    expect(log.events.map((e) => e.type)).toEqual([
      "connecting",
      "connected",
      "caught-up",
      "closed",
    ]);
  });

  it("starts from now without resumeFrom, and from the oldest with resumeFrom: 0", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 3));
    const client = createAlertStreamClient({ url: api.url });
    const live = client.subscribe();
    const log = new StatusLog<AlertStreamStatus>(live.status());
    const iterator = live[Symbol.asyncIterator]();
    const first = iterator.next();
    await log.waitFor((e) => e.type === "caught-up");
    api.store.append(testAlerts(3, 4));
    expect(((await first).value as ApiAlert).cursor).toBe(4);
    live.unsubscribe();
    const all: number[] = [];
    for await (const alert of client.subscribe({ resumeFrom: 0 })) {
      all.push(alert.cursor);
      if (all.length === 4) break;
    }
    expect(all).toEqual([1, 2, 3, 4]);
  });

  it("filters on the server (priority, rule, fields, not.)", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 24));
    const client = createAlertStreamClient({ url: api.url });
    const subscription = client.subscribe({
      resumeFrom: 0,
      filter: {
        rule: ["Terminal shell in container"],
        fields: { "k8s.ns.name": ["ns-0"] },
        not: { priority: ["Emergency"] },
      },
    });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const got = await take(subscription[Symbol.asyncIterator](), 3);
    // i % 3 === 0 (the rule), i % 2 === 0 (ns-0), i % 8 !== 0 (not Emergency): i = 6, 12, 18.
    expect(got.map((a) => a.cursor)).toEqual([7, 13, 19]);
    expect(await log.waitFor((e) => e.type === "caught-up")).toEqual({
      type: "caught-up",
      cursor: 24,
    });
    expect(subscription.pending).toBe(0);
    subscription.unsubscribe();
  });

  it("resumes after network drops mid-stream with every alert once, in order", async () => {
    const api = await startApi();
    const proxy = await dropProxy(api.url);
    const total = 3000;
    api.store.append(testAlerts(0, total));
    // Every connection is cut after 100 kB: the stream of about 800 kB takes 8 connections,
    // each cut in the middle of an event.
    proxy.cutAfterBytes = 100_000;
    const client = createAlertStreamClient({ url: proxy.url, reconnect: fast });
    const subscription = client.subscribe({ resumeFrom: 0 });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const got = (await take(subscription[Symbol.asyncIterator](), total)).map((a) => a.cursor);
    expect(got).toEqual(range(1, total + 1));
    const resumed = log.events.flatMap((e) => (e.type === "connected" ? [e.after ?? -1] : []));
    expect(resumed.length).toBeGreaterThanOrEqual(5);
    expect(resumed[0]).toBe(0);
    expect(resumed.every((after, i) => i === 0 || after > (resumed[i - 1] as number))).toBe(true);
    // A drop of a stream that worked is resumed at once.
    const drops = log.events.filter((e) => e.type === "disconnected");
    expect(drops.length).toBe(resumed.length - 1);
    expect(drops.every((e) => e.type === "disconnected" && e.retryInMs === 0)).toBe(true);
    subscription.unsubscribe();
  });

  it("resumes after the server's side of the connection is closed, while alerts arrive", async () => {
    const api = await startApi();
    const proxy = await dropProxy(api.url);
    const client = createAlertStreamClient({ url: proxy.url, reconnect: fast });
    const subscription = client.subscribe({ resumeFrom: 0, maxBufferedAlerts: 100_000 });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const iterator = subscription[Symbol.asyncIterator]();
    const got: number[] = [];
    for (let round = 0; round < 5; round++) {
      api.store.append(testAlerts(round * 200, (round + 1) * 200));
      got.push(...(await take(iterator, 1)).map((a) => a.cursor));
      proxy.drop();
      await log.waitFor((e) => e.type === "connected", log.events.length);
    }
    got.push(...(await take(iterator, 1000 - got.length)).map((a) => a.cursor));
    expect(got).toEqual(range(1, 1001));
    expect(proxy.connections).toBe(6);
    subscription.unsubscribe();
  });

  it("resumes after a server restart, with the alerts appended while it was down", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 10));
    const client = createAlertStreamClient({ url: api.url, reconnect: fast });
    const subscription = client.subscribe({ resumeFrom: 0 });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const iterator = subscription[Symbol.asyncIterator]();
    const got = (await take(iterator, 10)).map((a) => a.cursor);
    await api.stop();
    await log.waitFor((e) => e.type === "disconnected");
    // Retries fail (refused) while the server is down: they back off.
    await log.waitFor((e) => e.type === "disconnected" && e.failures >= 2);
    await api.start();
    api.store.append(testAlerts(10, 20));
    got.push(...(await take(iterator, 10)).map((a) => a.cursor));
    expect(got).toEqual(range(1, 21));
    const refused = log.events.find((e) => e.type === "disconnected" && e.failures >= 1);
    expect(refused).toMatchObject({ error: { code: "api-unreachable", errno: "ECONNREFUSED" } });
    subscription.unsubscribe();
  });

  it("reports a gap with its count when retention removed alerts it had not read", async () => {
    const api = await startApi({}, { maxCount: 10 });
    api.store.append(testAlerts(0, 30));
    const client = createAlertStreamClient({ url: api.url });
    const subscription = client.subscribe({ resumeFrom: 5 });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const iterator = subscription[Symbol.asyncIterator]();
    const got = (await take(iterator, 10)).map((a) => a.cursor);
    expect(got).toEqual(range(21, 31));
    expect(await log.waitFor((e) => e.type === "gap")).toEqual({
      type: "gap",
      count: 15,
      after: 5,
    });
    subscription.unsubscribe();
  });

  it("stops reading past maxBufferedAlerts (nothing dropped) while the loop is slow", async () => {
    const api = await startApi();
    // Large alerts, so that the socket buffers hold few of them and the server has to wait.
    const big = testAlerts(0, 2000).map((a) => ({ ...a, output: a.output + "x".repeat(2000) }));
    api.store.append(big);
    const client = createAlertStreamClient({ url: api.url });
    const subscription = client.subscribe({ resumeFrom: 0, maxBufferedAlerts: 50 });
    let most = 0;
    let count = 0;
    for await (const alert of subscription) {
      most = Math.max(most, subscription.pending);
      count++;
      expect(alert.cursor).toBe(count);
      if (count % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (count === 2000) break;
    }
    // One chunk read past the limit at most: a chunk of 64 KiB holds about 30 of these alerts.
    expect(most).toBeLessThan(50 + 64);
    expect(subscription.dropped).toBe(0);
  });
});
