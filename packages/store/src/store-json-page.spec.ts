import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatAlertJson } from "@falco-sdk/core";
import { afterEach, describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import { storedAlertJson } from "./stored-alert-row.js";
import { testAlerts } from "./test-alerts.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "falco-store-json-"));
  dirs.push(dir);
  return dir;
}

describe("AlertStore.readJsonPage", () => {
  it("gives the stored JSON text after a cursor, filtered, with where to go on and the range", () => {
    const store = openAlertStore({ directory: tempDir() });
    const alerts = testAlerts(0, 100);
    store.append(alerts);
    const page = store.readJsonPage({ after: 10, limit: 5 });
    expect(page.alerts.map((a) => a.cursor)).toEqual([11, 12, 13, 14, 15]);
    expect(page.alerts[0]?.json).toBe(formatAlertJson(alerts[10] as (typeof alerts)[number]));
    expect(page).toMatchObject({ scanned: 15, first: 1, last: 100 });
    const filtered = store.readJsonPage({
      after: 0,
      filter: { hostname: ["node-b"] },
      limit: 1000,
    });
    expect(filtered.alerts.map((a) => a.cursor)).toEqual(
      alerts.flatMap((a, i) => (a.hostname === "node-b" ? [i + 1] : [])),
    );
    expect(filtered.scanned).toBe(100);
    expect(store.readJsonPage({ after: 100 })).toEqual({
      alerts: [],
      scanned: 100,
      first: 1,
      last: 100,
    });
    store.close();
  });

  it("says where a reader goes on when retention removed every alert after it", () => {
    const store = openAlertStore({ directory: tempDir(), maxCount: 5 });
    store.append(testAlerts(0, 20));
    expect(store.readJsonPage({ after: 3, limit: 2 })).toMatchObject({
      first: 16,
      last: 20,
      scanned: 17,
    });
    store.close();
  });

  it("lets a query's alerts give back their stored JSON text", () => {
    const store = openAlertStore({ directory: tempDir() });
    const alerts = testAlerts(0, 3);
    store.append(alerts);
    const [newest] = store.query({ limit: 1 }).alerts;
    expect(newest && storedAlertJson(newest)).toBe(
      formatAlertJson(alerts[2] as (typeof alerts)[number]),
    );
    store.close();
  });

  it("tells listeners the newest cursor after each append", () => {
    const store = openAlertStore({ directory: tempDir() });
    const seen: number[] = [];
    const off = store.onAppend((last) => seen.push(last));
    store.append(testAlerts(0, 3));
    off();
    store.append(testAlerts(3, 4));
    expect(seen).toEqual([3]);
    store.close();
  });
});
