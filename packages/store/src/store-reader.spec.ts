import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import type { StoreReaderStatus } from "./store-reader.js";
import { testAlerts } from "./test-alerts.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

async function collectStatus(it: AsyncIterable<StoreReaderStatus>, into: StoreReaderStatus[]) {
  for await (const e of it) into.push(e);
}

describe("AlertStore.read", () => {
  it("gives every alert after a cursor in order, then live ones, exactly once", async () => {
    const store = openAlertStore({ directory: tempDir() });
    store.append(testAlerts(0, 600));
    const reader = store.read({ after: 100, pageSize: 50 });
    const events: StoreReaderStatus[] = [];
    const statusDone = collectStatus(reader.status(), events);
    const seen: number[] = [];
    for await (const alert of reader) {
      seen.push(alert.cursor);
      expect(reader.pending).toBeLessThanOrEqual(50);
      if (alert.cursor === 600) setTimeout(() => store.append(testAlerts(600, 700)), 0);
      if (alert.cursor === 700) break;
    }
    expect(seen).toEqual(Array.from({ length: 600 }, (_, i) => i + 101));
    await expect(reader.closed).resolves.toEqual({ reason: "unsubscribed" });
    await statusDone;
    expect(events.map((e) => e.type)).toEqual(["caught-up", "closed"]);
    store.close();
  });

  it("filters, ends at the newest alert without follow, and refuses a second iteration", async () => {
    const store = openAlertStore({ directory: tempDir() });
    const alerts = testAlerts(0, 300);
    store.append(alerts);
    const reader = store.read({ filter: { hostname: ["node-c"] }, follow: false, pageSize: 16 });
    const got: number[] = [];
    for await (const a of reader) got.push(a.cursor);
    expect(got).toEqual(alerts.flatMap((a, i) => (a.hostname === "node-c" ? [i + 1] : [])));
    await expect(reader.closed).resolves.toEqual({ reason: "completed" });
    await expect(async () => {
      for await (const _ of reader) break;
    }).rejects.toMatchObject({ code: "already-iterated" });
    store.close();
  });

  it("resumes from its cursor after a reopen, and reports a gap retention made, with its count", async () => {
    const directory = tempDir();
    let store = openAlertStore({ directory });
    store.append(testAlerts(0, 100));
    let cursor = 0;
    for await (const a of store.read({ follow: false })) {
      cursor = a.cursor;
      if (cursor === 40) break;
    }
    store.close();
    store = openAlertStore({ directory, maxCount: 50 });
    store.append(testAlerts(100, 110)); // keeps 61..110
    const reader = store.read({ after: cursor, follow: false });
    const events: StoreReaderStatus[] = [];
    const statusDone = collectStatus(reader.status(), events);
    const got: number[] = [];
    for await (const a of reader) got.push(a.cursor);
    await statusDone;
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => i + 61));
    expect(events[0]).toEqual({ type: "gap", count: 20, after: 40, resumedAt: 61 });
    store.close();
  });

  it("wakes a follower on append, ends it on abort and on close", async () => {
    const store = openAlertStore({ directory: tempDir(), checkIntervalMs: 60_000 });
    const controller = new AbortController();
    const reader = store.read({ signal: controller.signal });
    const got: number[] = [];
    const done = (async () => {
      for await (const a of reader) {
        got.push(a.cursor);
        if (a.cursor === 3) controller.abort();
      }
    })();
    store.append(testAlerts(0, 2));
    store.append(testAlerts(2, 5));
    await done;
    expect(got).toEqual([1, 2, 3]);
    await expect(reader.closed).resolves.toEqual({ reason: "aborted" });
    const second = store.read();
    const loop = (async () => {
      for await (const _ of second) {
        // every alert
      }
    })();
    store.close();
    await loop;
    expect((await second.closed).reason).toMatch(/unsubscribed|completed/);
  });

  it("supports await using", async () => {
    const store = openAlertStore({ directory: tempDir() });
    let closed: Promise<unknown>;
    {
      await using reader = store.read();
      closed = reader.closed;
    }
    await expect(closed).resolves.toEqual({ reason: "unsubscribed" });
    store.close();
  });
});
