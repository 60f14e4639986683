import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PRIORITIES, type Priority } from "@falco-sdk/core";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { type AlertStore, openAlertStore } from "./alert-store.js";
import { decompose } from "./bucket-counts.js";
import { databasePath } from "./open-database.js";
import type { StoreFilter } from "./store-filter.js";
import type { HistogramOptions, StoreQueries } from "./store-queries.js";
import { testAlert } from "./test-alerts.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "falco-store-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A seeded generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR_MS = 3_600_000;
const BASE_MS = Date.UTC(2026, 11, 1, 0, 0, 0);

/** Alerts at random times over 30 hours (out of order), appended in batches of random sizes. */
function fill(store: AlertStore, rnd: () => number, from: number, to: number): void {
  let i = from;
  while (i < to) {
    const n = Math.min(to - i, 1 + Math.floor(rnd() * 300));
    const batch = Array.from({ length: n }, (_, k) =>
      testAlert(i + k, BASE_MS + Math.floor(rnd() * 30 * HOUR_MS), 0),
    );
    store.append(batch);
    i += n;
  }
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

function randomFilter(rnd: () => number): StoreFilter | undefined {
  const one = (): Omit<StoreFilter, "not"> => {
    switch (Math.floor(rnd() * 8)) {
      case 0:
        return { priority: [pick(rnd, PRIORITIES), pick(rnd, PRIORITIES)] as Priority[] };
      case 1:
        return { minPriority: pick(rnd, PRIORITIES) as Priority };
      case 2:
        return { rule: [pick(rnd, ["Write below etc", "K8s Secret Deleted", "no such rule"])] };
      case 3:
        return { hostname: [pick(rnd, ["node-a", "node-b", "node-c", "nowhere"])] };
      case 4:
        return { source: [pick(rnd, ["syscall", "k8s_audit", "aws_cloudtrail"])] };
      case 5:
        return { tag: [pick(rnd, ["shell", "filesystem"])] }; // not in the counts: the scan
      case 6:
        return { hostname: ["node-a"], priority: ["Emergency", "Debug", "Notice"] };
      default:
        return {};
    }
  };
  const r = rnd();
  if (r < 0.15) return undefined;
  if (r < 0.3) return { ...one(), not: one() };
  return one();
}

/** A time bound: unbounded, on an hour or 5-minute edge, or anywhere (to the nanosecond). */
function randomBound(rnd: () => number): Date | bigint | undefined {
  const r = rnd();
  const ms = BASE_MS - HOUR_MS + Math.floor(rnd() * 32 * HOUR_MS);
  if (r < 0.15) return undefined;
  if (r < 0.3) return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
  if (r < 0.45) return new Date(Math.floor(ms / 300_000) * 300_000);
  if (r < 0.6) return BigInt(ms) * 1_000_000n + BigInt(Math.floor(rnd() * 1000));
  return new Date(ms);
}

function queriesOf(store: AlertStore): StoreQueries {
  return (store as unknown as { queries: StoreQueries }).queries;
}

/** Facets and histogram from the bucket counts and from a scan of every alert: equal. */
function expectCountsExact(store: AlertStore, rnd: () => number, rounds: number): void {
  const queries = queriesOf(store);
  for (let i = 0; i < rounds; i++) {
    let since = randomBound(rnd);
    let until = randomBound(rnd);
    if (
      typeof since === typeof until &&
      since !== undefined &&
      until !== undefined &&
      since > until
    )
      [since, until] = [until, since];
    const options: HistogramOptions = {
      since,
      until,
      filter: randomFilter(rnd),
      bucketMs: pick(rnd, [undefined, 60_000, 300_000, 420_000, HOUR_MS, 5 * HOUR_MS]),
    };
    queries.useCounts = true;
    const fast = {
      facets: store.facets({ ...options, limit: 50 }),
      histogram: store.histogram(options),
    };
    queries.useCounts = false;
    const scan = {
      facets: store.facets({ ...options, limit: 50 }),
      histogram: store.histogram(options),
    };
    queries.useCounts = true;
    expect(
      fast,
      JSON.stringify(options, (_, v) => (typeof v === "bigint" ? `${v}n` : v)),
    ).toEqual(scan);
  }
}

function expectNoEmptyCounts(directory: string, count: number): void {
  const db = new Database(databasePath(directory), { readonly: true });
  expect(db.prepare("SELECT count(*) FROM alert_counts WHERE n <= 0").pluck().get()).toBe(0);
  for (const level of [300, 3600]) {
    expect(
      db.prepare("SELECT coalesce(sum(n), 0) FROM alert_counts WHERE level = ?").pluck().get(level),
    ).toBe(count);
  }
  db.close();
}

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
    const db = new Database(databasePath(directory));
    db.exec("DROP TABLE alert_counts");
    db.prepare("UPDATE store_meta SET value = '1' WHERE key = 'schema'").run();
    db.close();
    const upgraded = openAlertStore({ directory });
    expectCountsExact(upgraded, rnd, 40);
    upgraded.close();
    expectNoEmptyCounts(directory, 2000);
  });
});
