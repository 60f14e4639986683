import type Database from "better-sqlite3";
import type { StoreFilter } from "./store-filter.js";
import { TAGSET } from "./tag-sets.js";

/**
 * Widths of the pre-aggregated time buckets, in seconds, widest first: per hour and per
 * 5 minutes. `facets` and `histogram` read whole buckets from `alert_counts` and
 * only the edges of a range (less than a bucket each side) from the alerts themselves.
 */
export const BUCKET_WIDTHS_S = [3600, 300] as const;

/**
 * Counts of alerts per time bucket and (priority, rule, hostname, source, tag set): kept in the
 * transaction of every append and every retention removal, so they always equal a count over
 * `alerts`. `level` is the bucket width in seconds, `bucket` the event time divided by it
 * (rounded down), `tagset` the alert's tag ids ascending, comma-separated ('' for none, see
 * tag-sets.ts): in Falco a rule's alerts share one tag set, so it adds few rows, and the tag facet
 * sums a row into each of its tags.
 */
export const COUNTS_SCHEMA_SQL = `
CREATE TABLE alert_counts(
  level INTEGER NOT NULL, bucket INTEGER NOT NULL,
  priority INTEGER NOT NULL, rule INTEGER NOT NULL, hostname INTEGER NOT NULL, source INTEGER NOT NULL,
  tagset TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY(level, bucket, priority, rule, hostname, source, tagset)
) WITHOUT ROWID;
`;

/** `floor(time_ns / width)` in SQL (SQLite's `/` truncates toward zero). */
const BUCKET = "(a.time_ns - ((a.time_ns % @wns) + @wns) % @wns) / @wns";

/** One piece of a time range: alerts read one by one, or whole buckets of one width. */
export type Segment =
  | { readonly kind: "raw"; readonly lo: bigint | undefined; readonly hi: bigint | undefined }
  | {
      readonly kind: "buckets";
      readonly widthS: number;
      /** First bucket (inclusive); undefined: from the oldest. */
      readonly from: bigint | undefined;
      /** Last bucket (exclusive); undefined: up to the newest. */
      readonly to: bigint | undefined;
    };

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};
const ceilDiv = (a: bigint, b: bigint): bigint => -floorDiv(-a, b);

/**
 * Splits the event-time range [lo, hi) (undefined: unbounded) into whole buckets of the widest
 * width that fits, then of narrower widths, and raw edges shorter than the narrowest bucket.
 */
export function decompose(
  lo: bigint | undefined,
  hi: bigint | undefined,
  widthsS: readonly number[] = BUCKET_WIDTHS_S,
): Segment[] {
  if (lo !== undefined && hi !== undefined && lo >= hi) return [];
  const [widthS, ...rest] = widthsS;
  if (widthS === undefined) return [{ kind: "raw", lo, hi }];
  const w = BigInt(widthS) * 1_000_000_000n;
  const from = lo === undefined ? undefined : ceilDiv(lo, w);
  const to = hi === undefined ? undefined : floorDiv(hi, w);
  if (from !== undefined && to !== undefined && from >= to) return decompose(lo, hi, rest);
  return [
    ...(from === undefined ? [] : decompose(lo, from * w, rest)),
    { kind: "buckets", widthS, from, to },
    ...(to === undefined ? [] : decompose(to * w, hi, rest)),
  ];
}

/**
 * True when the bucket counts can answer a filter exactly: it names only priorities, rules,
 * hostnames and sources (and their negation), the columns a bucket count has.
 */
export function countsAnswer(filter: StoreFilter | undefined): boolean {
  const only = (f: Omit<StoreFilter, "not">): boolean =>
    (f.tag === undefined || f.tag.length === 0) &&
    Object.values(f.fields ?? {}).every((v) => v.length === 0) &&
    (f.text === undefined || f.text.trim() === "");
  return filter === undefined || (only(filter) && (filter.not === undefined || only(filter.not)));
}

/** The SQL (over `alert_counts a`) selecting a bucket segment's rows. */
export function segmentCondition(segment: Segment & { kind: "buckets" }): {
  sql: string;
  params: unknown[];
} {
  const parts = ["a.level = ?"];
  const params: unknown[] = [segment.widthS];
  if (segment.from !== undefined) {
    parts.push("a.bucket >= ?");
    params.push(segment.from);
  }
  if (segment.to !== undefined) {
    parts.push("a.bucket < ?");
    params.push(segment.to);
  }
  return { sql: parts.join(" AND "), params };
}

/** Keeps the bucket counts: adds appended alerts, subtracts removed ones (in their transactions). */
export class BucketCounts {
  private readonly addAlerts: Database.Statement;
  private readonly dropAlerts: Database.Statement;

  constructor(db: Database.Database) {
    // sign is 1 for alerts appended, -1 for alerts removed; rows reaching 0 are deleted.
    // Both widths in one statement: each alert's tag set is read once.
    this.addAlerts = db.prepare(
      `WITH x AS MATERIALIZED (
         SELECT a.time_ns, a.priority, a.rule, a.hostname, a.source, ${TAGSET} AS tagset
         FROM alerts a WHERE a.seq BETWEEN @first AND @last),
       l(w, wns) AS (VALUES ${BUCKET_WIDTHS_S.map((w) => `(${w}, ${w * 1e9})`).join(", ")})
       INSERT INTO alert_counts(level, bucket, priority, rule, hostname, source, tagset, n)
       SELECT l.w, (x.time_ns - ((x.time_ns % l.wns) + l.wns) % l.wns) / l.wns,
         x.priority, x.rule, x.hostname, x.source, x.tagset, @sign * count(*)
       FROM x CROSS JOIN l WHERE true GROUP BY 1, 2, 3, 4, 5, 6, 7
       ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    );
    this.dropAlerts = db.prepare(
      `DELETE FROM alert_counts WHERE level = @w AND n = 0 AND bucket BETWEEN
       (SELECT min(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last) AND
       (SELECT max(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last)`,
    );
  }

  /** Counts the alerts with cursors first..last, just appended (inside the append transaction). */
  added(first: number, last: number): void {
    this.addAlerts.run({ first, last, sign: 1 });
  }

  /**
   * Uncounts the alerts with cursors first..last, about to be removed: call inside the removal's
   * transaction, before the alerts and their tags are deleted.
   */
  removing(first: number, last: number): void {
    this.addAlerts.run({ first, last, sign: -1 });
    for (const w of BUCKET_WIDTHS_S) this.dropAlerts.run({ w, wns: w * 1e9, first, last });
  }
}
