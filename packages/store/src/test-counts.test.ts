import { type Alert, PRIORITIES, type Priority } from "@falco-sdk/core";
import Database from "better-sqlite3";
import { expect } from "vitest";
import type { AlertStore } from "./alert-store.js";
import { databasePath } from "./open-database.js";
import type { StoreFilter } from "./store-filter.js";
import type { HistogramOptions, StoreQueries } from "./store-queries.js";
import { testAlert } from "./test-alerts.js";

// Helpers of the exactness tests of the bucket and field counts (not a spec: not run alone, not
// built into dist).

/** A seeded generator (mulberry32), so a failure reproduces. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOUR_MS = 3_600_000;
export const BASE_MS = Date.UTC(2026, 11, 1, 0, 0, 0);

/** Alerts at random times over 30 hours (out of order), appended in batches of random sizes. */
export function fill(
  store: AlertStore,
  rnd: () => number,
  from: number,
  to: number,
  make: (i: number, ms: number, rnd: () => number) => Alert = (i, ms) => testAlert(i, ms, 0),
): void {
  let i = from;
  while (i < to) {
    const n = Math.min(to - i, 1 + Math.floor(rnd() * 300));
    const batch = Array.from({ length: n }, (_, k) =>
      make(i + k, BASE_MS + Math.floor(rnd() * 30 * HOUR_MS), rnd),
    );
    store.append(batch);
    i += n;
  }
}

export function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)] as T;
}

export function randomFilter(rnd: () => number): StoreFilter | undefined {
  const one = (): Omit<StoreFilter, "not"> => {
    switch (Math.floor(rnd() * 12)) {
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
      case 8: // output fields: counted ones (the field counts), others (the scan)
        return {
          fields: { "k8s.ns.name": [pick(rnd, ["prod", "dev", "0", "42", "ns-1", "nope"])] },
        };
      case 9:
        return {
          fields: { "container.image.repository": ["nginx", pick(rnd, ["ünï/ćødé", "1", "1.5"])] },
          priority: [pick(rnd, PRIORITIES) as Priority],
        };
      case 10:
        return { fields: { "proc.name": [pick(rnd, ["p1", "proc2"])] } };
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
export function randomBound(rnd: () => number): Date | bigint | undefined {
  const r = rnd();
  const ms = BASE_MS - HOUR_MS + Math.floor(rnd() * 32 * HOUR_MS);
  if (r < 0.15) return undefined;
  if (r < 0.3) return new Date(Math.floor(ms / HOUR_MS) * HOUR_MS);
  if (r < 0.45) return new Date(Math.floor(ms / 300_000) * 300_000);
  if (r < 0.6) return BigInt(ms) * 1_000_000n + BigInt(Math.floor(rnd() * 1000));
  return new Date(ms);
}

export function queriesOf(store: AlertStore): StoreQueries {
  return (store as unknown as { queries: StoreQueries }).queries;
}

/** Facets and histogram from the bucket counts and from a scan of every alert: equal. */
export function expectCountsExact(
  store: AlertStore,
  rnd: () => number,
  rounds: number,
  fields?: readonly string[],
): void {
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
      facets: store.facets({ ...options, fields, limit: 50 }),
      histogram: store.histogram(options),
    };
    queries.useCounts = false;
    const scan = {
      facets: store.facets({ ...options, fields, limit: 50 }),
      histogram: store.histogram(options),
    };
    queries.useCounts = true;
    expect(
      fast,
      JSON.stringify(options, (_, v) => (typeof v === "bigint" ? `${v}n` : v)),
    ).toEqual(scan);
  }
}

export function expectNoEmptyCounts(directory: string, count: number): void {
  const db = new Database(databasePath(directory), { readonly: true });
  expect(db.prepare("SELECT count(*) FROM alert_counts WHERE n <= 0").pluck().get()).toBe(0);
  for (const level of [300, 3600]) {
    expect(
      db.prepare("SELECT coalesce(sum(n), 0) FROM alert_counts WHERE level = ?").pluck().get(level),
    ).toBe(count);
  }
  db.close();
}

/**
 * Makes the store in `directory` (closed) one of schema 3, as the code of that schema wrote it:
 * a row per tag and alert in `alert_tags`, no `alerts.tagset`, no tag sets in `dict`.
 */
export function downgradeToSchema3(directory: string): void {
  const db = new Database(databasePath(directory));
  db.exec(`
    BEGIN;
    CREATE TABLE alert_tags(tag INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(tag, seq)) WITHOUT ROWID;
    CREATE INDEX alert_tags_by_seq ON alert_tags(seq);
    INSERT INTO alert_tags(tag, seq) SELECT j.value, a.seq FROM alerts a
      JOIN dict d ON d.id = a.tagset, json_each('[' || d.value || ']') j;
    DROP INDEX alerts_by_time;
    ALTER TABLE alerts DROP COLUMN tagset;
    CREATE INDEX alerts_by_time ON alerts(time_ns, priority, rule, hostname, source);
    DELETE FROM dict WHERE kind = 5;
    UPDATE store_meta SET value = '3' WHERE key = 'schema';
    COMMIT;
  `);
  db.close();
}
