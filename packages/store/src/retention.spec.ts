import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import { testAlerts } from "./test-alerts.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

describe("retention", () => {
  it("by age removes the alerts older than retentionMs, and counts them", () => {
    const directory = tempDir();
    const hourMs = 3_600_000;
    const store = openAlertStore({ directory });
    // 48 alerts an hour apart, the newest an hour old; then 10 of now.
    store.append(testAlerts(0, 48, Date.now() - 48 * hourMs, hourMs));
    store.append(testAlerts(48, 58, Date.now(), 1));
    store.close();
    const kept = openAlertStore({ directory, retentionMs: 24 * hourMs + 30 * 60_000 });
    const stats = kept.stats();
    expect(stats.removed).toBe(24);
    expect(stats.firstCursor).toBe(25);
    expect(stats.count).toBe(34);
    for (const alert of kept.query({ limit: 1000 }).alerts) {
      expect(alert.time.getTime()).toBeGreaterThan(Date.now() - 25 * hourMs);
    }
    kept.close();
  });

  it("by bytes keeps the database under maxBytes while alerts keep coming, never removing the newest", () => {
    const maxBytes = 2 * 1024 * 1024;
    const store = openAlertStore({ directory: tempDir(), maxBytes });
    for (let i = 0; i < 60; i++) {
      const { last } = store.append(testAlerts(i * 250, i * 250 + 250)) ?? { last: 0 };
      const stats = store.stats();
      expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
      expect(stats.lastCursor).toBe(last);
      expect(stats.count).toBeGreaterThan(0);
    }
    const stats = store.stats();
    expect(stats.removed).toBeGreaterThan(0);
    expect(stats.removed + stats.count).toBe(15_000);
    store.close();
  });

  it("by bytes with room for fewer alerts than a removal chunk: never empties the store, keeps the newest", () => {
    // 256 KiB hold a few hundred alerts: each append past it removes a tenth at a time, not a
    // whole 2,000-alert chunk (which removed every alert, the one just appended included).
    const maxBytes = 256 * 1024;
    const store = openAlertStore({ directory: tempDir(), maxBytes });
    let crossed = false;
    for (let i = 0; i < 60; i++) {
      const { last } = store.append(testAlerts(i * 50, i * 50 + 50)) ?? { last: 0 };
      const stats = store.stats();
      crossed ||= stats.removed > 0;
      expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
      expect(stats.lastCursor).toBe(last);
      expect(stats.count).toBeGreaterThan(crossed ? 50 : 0);
      expect(stats.count + stats.removed).toBe(last);
    }
    expect(crossed).toBe(true);
    store.close();
  });

  it("under a reader that follows, reports each alert it removed before the reader got it", async () => {
    const store = openAlertStore({ directory: tempDir(), maxCount: 100 });
    store.append(testAlerts(0, 500));
    const reader = store.read({ pageSize: 10 });
    let gaps = 0;
    const status = (async () => {
      for await (const e of reader.status()) if (e.type === "gap") gaps += e.count;
    })();
    let read = 0;
    let last = 0;
    for await (const alert of reader) {
      expect(alert.cursor).toBeGreaterThan(last);
      last = alert.cursor;
      read++;
      // A burst of 500 behind the reader's back every 50 alerts read.
      if (read % 50 === 1 && store.stats().lastCursor < 3000) store.append(testAlerts(0, 500));
      if (store.stats().lastCursor >= 3000 && alert.cursor === store.stats().lastCursor) break;
    }
    await status;
    expect(read + gaps).toBe(last);
    expect(gaps).toBeGreaterThan(0);
    store.close();
  });
});
