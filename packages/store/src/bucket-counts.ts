import type Database from "better-sqlite3";
import type { StoreFilter } from "./store-filter.js";

/**
 * Widths of the pre-aggregated time buckets, in seconds, widest first: per hour and per
 * 5 minutes. `facets` and `histogram` read whole buckets from `alert_counts`/`tag_counts` and
 * only the edges of a range (less than a bucket each side) from the alerts themselves.
 */
export const BUCKET_WIDTHS_S = [3600, 300] as const;

/**
 * Counts of alerts per time bucket and (priority, rule, hostname, source) and, in `tag_counts`,
 * per tag too: kept in the transaction of every append and every retention removal, so they
 * always equal a count over `alerts`. `level` is the bucket width in seconds, `bucket` the
 * event time divided by it (rounded down).
 */
export const COUNTS_SCHEMA_SQL = `
CREATE TABLE alert_counts(
  level INTEGER NOT NULL, bucket INTEGER NOT NULL,
  priority INTEGER NOT NULL, rule INTEGER NOT NULL, hostname INTEGER NOT NULL, source INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY(level, bucket, priority, rule, hostname, source)
) WITHOUT ROWID;
CREATE TABLE tag_counts(
  level INTEGER NOT NULL, bucket INTEGER NOT NULL, tag INTEGER NOT NULL,
  priority INTEGER NOT NULL, rule INTEGER NOT NULL, hostname INTEGER NOT NULL, source INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY(level, bucket, tag, priority, rule, hostname, source)
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

const BUCKET_WIDTHS_NS = BUCKET_WIDTHS_S.map((w) => BigInt(w) * 1_000_000_000n);

/** The columns of a pending key: the width in seconds, then the bucket and the ids. */
function row(key: string): (number | bigint)[] {
  const parts = key.split(" ");
  return [
    Number(BigInt(parts[0] as string) / 1_000_000_000n),
    BigInt(parts[1] as string),
    ...parts.slice(2).map(Number),
  ];
}

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

/** The SQL (over `alert_counts a` or `tag_counts a`) selecting a bucket segment's rows. */
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
  private readonly addTags: Database.Statement;
  private readonly dropAlerts: Database.Statement;
  private readonly dropTags: Database.Statement;
  private readonly upsertAlerts: Database.Statement;
  private readonly upsertTags: Database.Statement;
  /** Counts of the batch being appended, by "level bucket priority rule hostname source". */
  private readonly pending = new Map<string, number>();
  /** The same with the tag first: "level bucket tag priority rule hostname source". */
  private readonly pendingTags = new Map<string, number>();

  constructor(db: Database.Database) {
    this.upsertAlerts = db.prepare(
      `INSERT INTO alert_counts(level, bucket, priority, rule, hostname, source, n)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    );
    this.upsertTags = db.prepare(
      `INSERT INTO tag_counts(level, bucket, tag, priority, rule, hostname, source, n)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    );
    // sign is 1 for alerts appended, -1 for alerts removed; rows reaching 0 are deleted.
    this.addAlerts = db.prepare(
      `INSERT INTO alert_counts(level, bucket, priority, rule, hostname, source, n)
       SELECT @w, ${BUCKET}, a.priority, a.rule, a.hostname, a.source, @sign * count(*)
       FROM alerts a WHERE a.seq BETWEEN @first AND @last GROUP BY 2, 3, 4, 5, 6
       ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    );
    this.addTags = db.prepare(
      `INSERT INTO tag_counts(level, bucket, tag, priority, rule, hostname, source, n)
       SELECT @w, ${BUCKET}, t.tag, a.priority, a.rule, a.hostname, a.source, @sign * count(*)
       FROM alerts a CROSS JOIN alert_tags t ON t.seq = a.seq
       WHERE a.seq BETWEEN @first AND @last GROUP BY 2, 3, 4, 5, 6, 7
       ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    );
    this.dropAlerts = db.prepare(
      `DELETE FROM alert_counts WHERE level = @w AND n = 0 AND bucket BETWEEN
       (SELECT min(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last) AND
       (SELECT max(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last)`,
    );
    this.dropTags = db.prepare(
      `DELETE FROM tag_counts WHERE level = @w AND n = 0 AND bucket BETWEEN
       (SELECT min(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last) AND
       (SELECT max(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last)`,
    );
  }

  /** Counts an alert of the batch being appended; `flush` writes the batch's counts. */
  count(
    timeNs: bigint,
    priority: number,
    rule: number,
    hostname: number,
    source: number,
    tags: readonly number[],
  ): void {
    const dims = `${priority} ${rule} ${hostname} ${source}`;
    for (const w of BUCKET_WIDTHS_NS) {
      const bucket = floorDiv(timeNs, w);
      const k = `${w} ${bucket} ${dims}`;
      this.pending.set(k, (this.pending.get(k) ?? 0) + 1);
      for (const tag of tags) {
        const t = `${w} ${bucket} ${tag} ${dims}`;
        this.pendingTags.set(t, (this.pendingTags.get(t) ?? 0) + 1);
      }
    }
  }

  /** Writes the counts of the batch (inside the append transaction); `discard` on a rollback. */
  flush(): void {
    try {
      for (const [k, n] of this.pending) this.upsertAlerts.run(...row(k), n);
      for (const [k, n] of this.pendingTags) this.upsertTags.run(...row(k), n);
    } finally {
      this.discard();
    }
  }

  discard(): void {
    this.pending.clear();
    this.pendingTags.clear();
  }

  /** Counts the alerts with cursors first..last, already stored (a schema upgrade). */
  added(first: number, last: number): void {
    for (const w of BUCKET_WIDTHS_S) {
      const p = { w, wns: w * 1e9, first, last, sign: 1 };
      this.addAlerts.run(p);
      this.addTags.run(p);
    }
  }

  /**
   * Uncounts the alerts with cursors first..last, about to be removed: call inside the removal's
   * transaction, before the alerts and their tags are deleted.
   */
  removing(first: number, last: number): void {
    for (const w of BUCKET_WIDTHS_S) {
      const p = { w, wns: w * 1e9, first, last, sign: -1 };
      this.addAlerts.run(p);
      this.addTags.run(p);
      const q = { w, wns: w * 1e9, first, last };
      this.dropAlerts.run(q);
      this.dropTags.run(q);
    }
  }
}
