import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import { decompose } from "./bucket-counts.js";
import { databasePath } from "./open-database.js";
import {
  BASE_MS,
  downgradeToSchema3,
  expectCountsExact,
  expectNoEmptyCounts,
  fill,
  HOUR_MS,
  random,
} from "./test-counts.test.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

describe("bucket counts", () => {
  it("decompose covers a range exactly: whole hours, whole 5 minutes, raw edges", () => {
    const s = 1_000_000_000n;
    const segments = decompose(290n * s, 7500n * s);
    expect(segments).toEqual(
      [
        { kind: "raw", lo: 290n * s, hi: 300n * s },
        { kind: "buckets", widthS: 300, from: 1n, to: 12n },
        { kind: "buckets", widthS: 3600, from: 1n, to: 2n },
        { kind: "buckets", widthS: 300, from: 24n, to: 25n },
        { kind: "raw", lo: 7500n * s, hi: 7500n * s },
      ].filter((x) => x.kind !== "raw" || x.lo !== x.hi),
    );
    expect(decompose(undefined, undefined)).toEqual([
      { kind: "buckets", widthS: 3600, from: undefined, to: undefined },
    ]);
    expect(decompose(-1n, 1n)).toEqual([{ kind: "raw", lo: -1n, hi: 1n }]);
    expect(decompose(5n, 5n)).toEqual([]);
  });

  it("facets and histogram from the counts equal a scan of every alert, on random filters and windows", () => {
    const directory = tempDir();
    const rnd = random(20);
    const store = openAlertStore({ directory });
    fill(store, rnd, 0, 6000);
    expectCountsExact(store, rnd, 100);
    store.close();
    expectNoEmptyCounts(directory, 6000);
  });

  it("stay exact while retention removes alerts (by count and by age)", () => {
    const directory = tempDir();
    const rnd = random(21);
    const store = openAlertStore({ directory, maxCount: 2500 });
    for (let round = 0; round < 4; round++) {
      fill(store, rnd, round * 1500, round * 1500 + 1500);
      expectCountsExact(store, rnd, 25);
    }
    expect(store.stats().removed).toBe(3500);
    store.close();
    expectNoEmptyCounts(directory, 2500);
    // By age: the test alerts are from December 2026 and later; a retention relative to now
    // that removes some of them depends on the clock, so compare only what is left.
    const aged = openAlertStore({ directory, retentionMs: Date.now() - BASE_MS - 15 * HOUR_MS });
    const left = aged.stats().count;
    expectCountsExact(aged, rnd, 25);
    aged.close();
    expectNoEmptyCounts(directory, left);
  });

  it("a store of schema 1 gets its counts when opened", () => {
    const directory = tempDir();
    const rnd = random(22);
    const store = openAlertStore({ directory });
    fill(store, rnd, 0, 2000);
    store.close();
    downgradeToSchema3(directory);
    const db = new Database(databasePath(directory));
    db.exec("DROP TABLE alert_counts; DROP TABLE field_counts");
    db.exec("DELETE FROM store_meta WHERE key = 'counted_fields'");
    db.prepare("UPDATE store_meta SET value = '1' WHERE key = 'schema'").run();
    db.close();
    const upgraded = openAlertStore({ directory });
    expectCountsExact(upgraded, rnd, 40, ["k8s.ns.name", "proc.name"]);
    upgraded.close();
    expectNoEmptyCounts(directory, 2000);
  });
});
