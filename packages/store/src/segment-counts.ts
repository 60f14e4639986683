import type Database from "better-sqlite3";
import { BUCKET_WIDTHS_S, type Segment, segmentCondition } from "./bucket-counts.js";
import {
  type DictLookup,
  type FieldSql,
  filterCondition,
  type StoreFilter,
} from "./store-filter.js";
import { TAGSET } from "./tag-sets.js";

/** A count by (priority, rule, hostname, source): the ids and the count. */
export type CubeRow = [number, number, number, number, number];

/**
 * Counts over one segment of a time range (see `decompose`): a raw segment counts the alerts
 * themselves, a bucket segment sums the bucket counts, under the same filter (whose SQL is over
 * columns both have). Bucket segments take only filters `countsAnswer` accepts, or, over the
 * field counts (`table` "field_counts" and their `fieldSql`), filters `fieldCountsAnswer` accepts.
 */
export class SegmentCounts {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly lookup: DictLookup,
    private readonly table: "alert_counts" | "field_counts" = "alert_counts",
    private readonly fieldSql: FieldSql = () => undefined,
  ) {}

  /** Counts by priority, rule, hostname and source. */
  cube(segment: Segment, filter: StoreFilter | undefined): CubeRow[] {
    const w = this.where(segment, filter);
    const sql =
      segment.kind === "raw"
        ? `SELECT a.priority, a.rule, a.hostname, a.source, count(*) FROM alerts a
           WHERE ${w.sql} GROUP BY 1, 2, 3, 4`
        : `SELECT a.priority, a.rule, a.hostname, a.source, sum(a.n) FROM ${this.table} a
           WHERE ${w.sql} GROUP BY 1, 2, 3, 4`;
    return this.statement(sql).all(...w.params) as CubeRow[];
  }

  /** Counts by priority, rule, hostname and source, and by tag id: one pass on bucket segments. */
  cubeAndTags(
    segment: Segment,
    filter: StoreFilter | undefined,
  ): { cube: CubeRow[]; tags: [number, number][] } {
    if (segment.kind === "raw")
      return { cube: this.cube(segment, filter), tags: this.tags(segment, filter) };
    const w = this.where(segment, filter);
    const rows = this.statement(
      `SELECT a.priority, a.rule, a.hostname, a.source, sum(a.n), a.tagset FROM ${this.table} a
       WHERE ${w.sql} GROUP BY 1, 2, 3, 4, 6`,
    ).all(...w.params) as [number, number, number, number, number, string][];
    const cube = new Map<string, CubeRow>();
    const tags = new Map<number, number>();
    for (const [p, r, h, s, n, tagset] of rows) {
      const key = `${p},${r},${h},${s}`;
      const row = cube.get(key);
      if (row) row[4] += n;
      else cube.set(key, [p, r, h, s, n]);
      if (tagset === "") continue;
      for (const tag of tagset.split(",")) {
        const id = Number(tag);
        tags.set(id, (tags.get(id) ?? 0) + n);
      }
    }
    return { cube: [...cube.values()], tags: [...tags] };
  }

  /** Counts by tag id. */
  tags(segment: Segment, filter: StoreFilter | undefined): [number, number][] {
    const w = this.where(segment, filter);
    const sql =
      segment.kind === "raw"
        ? `SELECT ${TAGSET}, count(*) FROM alerts a WHERE ${w.sql} GROUP BY a.tagset`
        : `SELECT a.tagset, sum(a.n) FROM ${this.table} a WHERE ${w.sql} GROUP BY 1`;
    const sums = new Map<number, number>();
    for (const [tagset, n] of this.statement(sql).all(...w.params) as [string | null, number][]) {
      if (!tagset) continue;
      for (const tag of tagset.split(",")) {
        const id = Number(tag);
        sums.set(id, (sums.get(id) ?? 0) + n);
      }
    }
    return [...sums];
  }

  /** Counts by priority index. */
  priorities(segment: Segment, filter: StoreFilter | undefined): [number, number][] {
    const w = this.where(segment, filter);
    const sql =
      segment.kind === "raw"
        ? `SELECT a.priority, count(*) FROM alerts a WHERE ${w.sql} GROUP BY 1`
        : `SELECT a.priority, sum(a.n) FROM ${this.table} a WHERE ${w.sql} GROUP BY 1`;
    return this.statement(sql).all(...w.params) as [number, number][];
  }

  /**
   * The event times of the first and last alert that match the filter in [since, until): the
   * first and last 5-minute bucket with a count, then the alerts of that bucket only.
   */
  timeBounds(
    since: bigint | undefined,
    until: bigint | undefined,
    filter: StoreFilter | undefined,
  ): [bigint | null, bigint | null] {
    const widthS = BUCKET_WIDTHS_S[BUCKET_WIDTHS_S.length - 1] as number;
    const w = BigInt(widthS) * 1_000_000_000n;
    const edge = (last: boolean): bigint | null => {
      const c = filterCondition(filter, this.lookup, {}, this.fieldSql);
      const row = this.statement(
        `SELECT a.bucket FROM ${this.table} a WHERE a.level = ? AND ${c.sql}
         ORDER BY a.level ${last ? "DESC" : ""}, a.bucket ${last ? "DESC" : ""} LIMIT 1`,
      )
        .safeIntegers()
        .get(widthS, ...c.params) as [bigint] | undefined;
      if (row === undefined) return null;
      const lo = row[0] * w;
      const hi = lo + w;
      const r = filterCondition(filter, this.lookup, {
        sinceNs: since !== undefined && since > lo ? since : lo,
        untilNs: until !== undefined && until < hi ? until : hi,
      });
      const time = this.statement(
        `SELECT ${last ? "max" : "min"}(a.time_ns) FROM alerts a WHERE ${r.sql}`,
      )
        .safeIntegers()
        .get(...r.params) as [bigint | null];
      return time[0];
    };
    return [since ?? edge(false), until ?? edge(true)];
  }

  private where(
    segment: Segment,
    filter: StoreFilter | undefined,
  ): { sql: string; params: unknown[] } {
    if (segment.kind === "raw") {
      const c = filterCondition(filter, this.lookup, { sinceNs: segment.lo, untilNs: segment.hi });
      return { sql: c.sql, params: [...c.params] };
    }
    const s = segmentCondition(segment);
    const c = filterCondition(filter, this.lookup, {}, this.fieldSql);
    return { sql: `${s.sql} AND ${c.sql}`, params: [...s.params, ...c.params] };
  }

  /** A prepared statement, kept for the next query of the same shape (a bounded number of them). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      if (this.statements.size >= 256) this.statements.clear();
      statement = this.db.prepare(sql).raw();
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
