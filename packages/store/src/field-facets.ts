import type Database from "better-sqlite3";
import { decompose, type Segment, segmentCondition } from "./bucket-counts.js";
import { countedFieldSql, decodeCounted, fieldCountsAnswer } from "./field-counts.js";
import { type DictLookup, fieldPath, filterCondition, type StoreFilter } from "./store-filter.js";

/**
 * Counts by value of an output field over an event-time range: whole buckets from the field
 * counts (see field-counts.ts) and the edges from the alerts, when the field is counted and the
 * filter is one the field counts answer (`fieldCountsAnswer`); otherwise (or when a bucket holds a value too long to be kept
 * in the counts) from every alert of the range, reading its JSON.
 */
export class FieldFacets {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly lookup: DictLookup,
  ) {}

  /**
   * Counts by value of each of `fields` (alerts without it are not counted) in [lo, hi);
   * `counted`: the fields the store counts, in the order of their columns in `field_counts`
   * ([]: count every alert). The counted ones are read in one pass per bucket segment.
   */
  count(
    fields: readonly string[],
    lo: bigint | undefined,
    hi: bigint | undefined,
    filter: StoreFilter | undefined,
    counted: readonly string[],
  ): Map<string, Map<string, number>> {
    const result = new Map<string, Map<string, number>>();
    const fast = fieldCountsAnswer(filter, counted)
      ? [...new Set(fields)].filter((f) => counted.includes(f))
      : [];
    if (fast.length > 0) {
      const sums = new Map(fast.map((f) => [f, new Map<string, number>()]));
      const long = new Set<string>();
      for (const segment of decompose(lo, hi)) {
        if (segment.kind === "buckets") {
          const indexes = fast.map((f) => counted.indexOf(f));
          this.buckets(fast, indexes, segment, filter, counted, sums, long);
        } else {
          for (const f of fast) this.scan(f, segment.lo, segment.hi, filter, sums.get(f));
        }
      }
      for (const f of fast) if (!long.has(f)) result.set(f, sums.get(f) as Map<string, number>);
    }
    for (const field of fields) {
      if (result.has(field)) continue;
      const sums = new Map<string, number>();
      if (lo === undefined || hi === undefined || lo < hi) this.scan(field, lo, hi, filter, sums);
      result.set(field, sums);
    }
    return result;
  }

  /**
   * Adds a bucket segment's counts of `fields` (columns `indexes`); a field with a value too long
   * to be counted in the segment goes into `long`.
   */
  private buckets(
    fields: readonly string[],
    indexes: readonly number[],
    segment: Segment & { kind: "buckets" },
    filter: StoreFilter | undefined,
    counted: readonly string[],
    sums: Map<string, Map<string, number>>,
    long: Set<string>,
  ): void {
    const s = segmentCondition(segment);
    const c = filterCondition(filter, this.lookup, {}, countedFieldSql(counted));
    const columns = indexes.map((i) => `a.v${i}`).join(", ");
    const rows = this.statement(
      `SELECT ${columns}, sum(a.n) FROM field_counts a WHERE ${s.sql} AND ${c.sql}
       GROUP BY ${indexes.map((_, k) => k + 1).join(", ")}`,
    ).all(...s.params, ...c.params) as (string | number)[][];
    for (const row of rows) {
      const n = row[fields.length] as number;
      for (let k = 0; k < fields.length; k++) {
        const field = fields[k] as string;
        const value = decodeCounted(row[k] as string);
        if (value === null)
          long.add(field); // a value longer than the counts keep
        else if (value !== undefined) {
          const m = sums.get(field) as Map<string, number>;
          m.set(value, (m.get(value) ?? 0) + n);
        }
      }
    }
  }

  /** Adds the counts of the alerts in [lo, hi), reading each one's JSON. */
  private scan(
    field: string,
    lo: bigint | undefined,
    hi: bigint | undefined,
    filter: StoreFilter | undefined,
    sums: Map<string, number> | undefined,
  ): void {
    if (sums === undefined) return;
    const c = filterCondition(filter, this.lookup, { sinceNs: lo, untilNs: hi });
    const rows = this.statement(
      `SELECT CAST(json_extract(j.json, ?) AS TEXT), count(*) FROM alerts a
       CROSS JOIN alert_json j ON j.seq = a.seq WHERE ${c.sql} GROUP BY 1`,
    ).all(fieldPath(field), ...c.params) as [string | null, number][];
    for (const [value, n] of rows) {
      if (value !== null) sums.set(value, (sums.get(value) ?? 0) + n);
    }
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
