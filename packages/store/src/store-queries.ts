import { PRIORITIES, type Priority } from "@falco-sdk/core";
import type Database from "better-sqlite3";
import { countsAnswer, decompose, type Segment } from "./bucket-counts.js";
import type { Dictionary } from "./dictionary.js";
import { countedFieldSql, fieldCountsAnswer } from "./field-counts.js";
import { FieldFacets } from "./field-facets.js";
import { SegmentCounts } from "./segment-counts.js";
import { filterCondition, type StoreFilter } from "./store-filter.js";
import type { StoredAlert } from "./stored-alert.js";
import { storedAlertFromRow } from "./stored-alert-row.js";

/** A time bound: a `Date`, or nanoseconds since the epoch as a `bigint`. */
export type TimeBound = Date | bigint;

/** What `query`, `facets` and `histogram` cover. */
export interface TimeRangeOptions {
  /** Alerts at or after this event time. @default the oldest */
  readonly since?: TimeBound;
  /** Alerts before this event time. @default now and later */
  readonly until?: TimeBound;
  /** Which alerts. @default every alert */
  readonly filter?: StoreFilter;
}

/** Options of `query`. */
export interface QueryOptions extends TimeRangeOptions {
  /** At most this many alerts (1 to 1000). @default 100 */
  readonly limit?: number;
  /** Only alerts with a cursor below this one: the `next` of the previous page. @default none */
  readonly before?: number;
}

/** A page of `query`: newest first; `next` is undefined on the last page. */
export interface QueryPage {
  /** The alerts of the page, newest first (at most `limit`). */
  readonly alerts: StoredAlert[];
  /** Pass it as `before` for the next (older) page; undefined on the last page. */
  readonly next: number | undefined;
}

/** One value of a facet and how many alerts have it. */
export interface FacetCount {
  /** The value, e.g. a rule name or `"Warning"`. */
  readonly value: string;
  /** Alerts of the range and filter that have it. */
  readonly count: number;
}

/** Options of `facets`. */
export interface FacetOptions extends TimeRangeOptions {
  /**
   * Output fields to count by too, e.g. `["k8s.ns.name", "container.image.repository"]`: those
   * the store counts (`countedFields`) from its counts, others by reading each alert of the range.
   * @default none
   */
  readonly fields?: readonly string[];
  /** Values per facet, the most frequent first. @default 20 */
  readonly limit?: number;
}

/** Counts of the alerts a range and filter cover, by facet. */
export interface Facets {
  /** Alerts the range and filter cover. */
  readonly total: number;
  /** Counts by priority, the most frequent first (at most `limit`, as every list here). */
  readonly priority: FacetCount[];
  /** Counts by rule name. */
  readonly rule: FacetCount[];
  /** Counts by hostname. */
  readonly hostname: FacetCount[];
  /** Counts by event source. */
  readonly source: FacetCount[];
  /** Counts by tag (an alert counts once for each of its tags). */
  readonly tag: FacetCount[];
  /** Counts by value of each output field asked for in `fields`, by field name. */
  readonly fields: Readonly<Record<string, FacetCount[]>>;
}

/** Options of `histogram`. */
export interface HistogramOptions extends TimeRangeOptions {
  /** Width of a bucket. @default a sixtieth of the range, at least 1 s */
  readonly bucketMs?: number;
}

/** One bucket: alerts from `start` for `bucketMs`, by priority. */
export interface HistogramBucket {
  /** Start of the bucket (event time). */
  readonly start: Date;
  /** Alerts of the bucket by priority; a priority without alerts is absent. */
  readonly counts: Partial<Record<Priority, number>>;
}

/** Alerts per time bucket and priority, from `histogram`. */
export interface Histogram {
  /** Width of every bucket in milliseconds: at least 1000 when there are buckets (else the `bucketMs` asked for, or 1000). */
  readonly bucketMs: number;
  /** The buckets, oldest first, from `since` (or the oldest alert) on; empty when the range holds none. */
  readonly buckets: HistogramBucket[];
}

const toNs = (t: TimeBound | undefined): bigint | undefined =>
  t === undefined ? undefined : typeof t === "bigint" ? t : BigInt(t.getTime()) * 1_000_000n;

/** The read-only queries of a store (`query`, `facets`, `histogram`). */
export class StoreQueries {
  /** False: `facets` and `histogram` count every alert, never the bucket counts (benchmarks, tests). */
  useCounts = true;
  private readonly counts: SegmentCounts;
  /** The same counts from the field counts: for filters on counted fields. */
  private readonly fieldCounts: SegmentCounts;
  private readonly fieldFacets: FieldFacets;

  constructor(
    private readonly db: Database.Database,
    private readonly dict: Dictionary,
    /** The output fields the store counts now (see field-counts.ts). */
    private readonly countedFields: () => readonly string[] = () => [],
  ) {
    const lookup = (kind: "rule" | "hostname" | "source" | "tag", value: string) =>
      dict.lookup(kind, value);
    this.counts = new SegmentCounts(db, lookup);
    this.fieldCounts = new SegmentCounts(db, lookup, "field_counts", (field) =>
      countedFieldSql(countedFields())(field),
    );
    this.fieldFacets = new FieldFacets(db, lookup);
  }

  query(options: QueryOptions = {}): QueryPage {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 1000);
    const where = this.where(options);
    if (options.before !== undefined) {
      where.sql += " AND a.seq < ?";
      where.params.push(options.before);
    }
    const rows = this.db
      .prepare(
        // NOT INDEXED: walk the cursors down from the newest (the table is narrow, so a filter
        // that matches little still reads few pages) rather than sort every match of the time index.
        `SELECT a.seq, j.json FROM alerts a NOT INDEXED JOIN alert_json j ON j.seq = a.seq
         WHERE ${where.sql} ORDER BY a.seq DESC LIMIT ?`,
      )
      .all(...where.params, limit + 1) as { seq: number; json: string }[];
    const more = rows.length > limit;
    const page = rows.slice(0, limit).map(storedAlertFromRow);
    return { alerts: page, next: more ? page[page.length - 1]?.cursor : undefined };
  }

  facets(options: FacetOptions = {}): Facets {
    const limit = Math.max(Math.trunc(options.limit ?? 20), 1);
    const sums = [
      new Map<number, number>(),
      new Map<number, number>(),
      new Map<number, number>(),
      new Map<number, number>(),
    ];
    const tagSums = new Map<number, number>();
    let total = 0;
    const counts = this.countsFor(options.filter) ?? this.counts;
    for (const segment of this.segments(options)) {
      const { cube, tags } = counts.cubeAndTags(segment, options.filter);
      for (const row of cube) {
        const n = row[4];
        total += n;
        for (let i = 0; i < 4; i++) {
          const m = sums[i] as Map<number, number>;
          m.set(row[i] as number, (m.get(row[i] as number) ?? 0) + n);
        }
      }
      for (const [tag, n] of tags) {
        tagSums.set(tag, (tagSums.get(tag) ?? 0) + n);
      }
    }
    const named = (m: Map<number, number>, name: (id: number) => string): FacetCount[] =>
      top(
        [...m].map(([id, count]) => ({ value: name(id), count })),
        limit,
      );
    const id = (i: number) => this.dict.valueOf(i);
    const fields: Record<string, FacetCount[]> = {};
    const byField = this.fieldFacets.count(
      options.fields ?? [],
      toNs(options.since),
      toNs(options.until),
      options.filter,
      this.useCounts ? this.countedFields() : [],
    );
    for (const [field, values] of byField) {
      fields[field] = top(
        [...values].map(([value, count]) => ({ value, count })),
        limit,
      );
    }
    return {
      total,
      priority: named(sums[0] as Map<number, number>, (i) => PRIORITIES[i] ?? "Debug"),
      rule: named(sums[1] as Map<number, number>, id),
      hostname: named(sums[2] as Map<number, number>, id),
      source: named(sums[3] as Map<number, number>, id),
      tag: named(tagSums, id),
      fields,
    };
  }

  histogram(options: HistogramOptions = {}): Histogram {
    const where = this.where(options);
    const fast = this.countsFor(options.filter);
    const bounds = fast
      ? fast.timeBounds(toNs(options.since), toNs(options.until), options.filter)
      : (this.db
          .prepare(`SELECT min(a.time_ns), max(a.time_ns) FROM alerts a WHERE ${where.sql}`)
          .raw()
          .safeIntegers()
          .get(...where.params) as [bigint | null, bigint | null]);
    const from = toNs(options.since) ?? bounds[0];
    const to = toNs(options.until) ?? (bounds[1] === null ? null : bounds[1] + 1n);
    if (from === null || to === null || to <= from)
      return { bucketMs: options.bucketMs ?? 1000, buckets: [] };
    const spanMs = Number((to - from) / 1_000_000n);
    const bucketMs = Math.max(Math.trunc(options.bucketMs ?? Math.ceil(spanMs / 60)), 1000);
    const bucketNs = BigInt(bucketMs) * 1_000_000n;
    const buckets: HistogramBucket[] = [];
    const count = Math.ceil(spanMs / bucketMs);
    for (let i = 0; i < count; i++) {
      buckets.push({
        start: new Date(Number((from + BigInt(i) * bucketNs) / 1_000_000n)),
        counts: {},
      });
    }
    const put = (b: number, priority: number, n: number) => {
      const bucket = buckets[b];
      const name = PRIORITIES[priority];
      if (bucket && name && n > 0) {
        const counts = bucket.counts as Record<string, number>;
        counts[name] = (counts[name] ?? 0) + n;
      }
    };
    if (fast) {
      // Each bucket from the bucket counts, its edges from the alerts.
      const since = toNs(options.since);
      const until = toNs(options.until);
      for (let i = 0; i < count; i++) {
        const start = from + BigInt(i) * bucketNs;
        const lo = since !== undefined && since > start ? since : start;
        const hi = until !== undefined && until < start + bucketNs ? until : start + bucketNs;
        for (const segment of decompose(lo, hi)) {
          for (const [priority, n] of fast.priorities(segment, options.filter)) {
            put(i, priority, n);
          }
        }
      }
      return { bucketMs, buckets };
    }
    const rows = this.db
      .prepare(
        `SELECT (a.time_ns - ?) / ? AS b, a.priority, count(*) FROM alerts a
         WHERE ${where.sql} GROUP BY 1, 2 ORDER BY 1`,
      )
      .raw()
      .all(from, bucketNs, ...where.params) as [number, number, number][];
    for (const [b, priority, n] of rows) put(b, priority, n);
    return { bucketMs, buckets };
  }

  /** The range of `options` as segments: bucket counts and raw edges when they answer its filter. */
  private segments(options: TimeRangeOptions): Segment[] {
    const lo = toNs(options.since);
    const hi = toNs(options.until);
    if (this.countsFor(options.filter)) return decompose(lo, hi);
    return lo !== undefined && hi !== undefined && lo >= hi ? [] : [{ kind: "raw", lo, hi }];
  }

  /**
   * The counts that answer a filter: the bucket counts, the field counts for filters on counted
   * fields, undefined when neither does (count every alert).
   */
  private countsFor(filter: StoreFilter | undefined): SegmentCounts | undefined {
    if (!this.useCounts) return undefined;
    if (countsAnswer(filter)) return this.counts;
    if (fieldCountsAnswer(filter, this.countedFields())) return this.fieldCounts;
    return undefined;
  }

  private where(options: TimeRangeOptions): { sql: string; params: unknown[] } {
    const c = filterCondition(options.filter, (kind, value) => this.dict.lookup(kind, value), {
      sinceNs: toNs(options.since),
      untilNs: toNs(options.until),
    });
    return { sql: c.sql, params: [...c.params] };
  }
}

function top(counts: FacetCount[], limit: number): FacetCount[] {
  return counts.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value)).slice(0, limit);
}
