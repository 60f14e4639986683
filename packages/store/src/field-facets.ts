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
   * Counts by value of `field` (alerts without it are not counted) in [lo, hi); `counted`: the
   * fields the store counts, in the order of their columns in `field_counts` ([]: count every alert).
   */
  count(
    field: string,
    lo: bigint | undefined,
    hi: bigint | undefined,
    filter: StoreFilter | undefined,
    counted: readonly string[],
  ): Map<string, number> {
    const index = counted.indexOf(field);
    if (index >= 0 && fieldCountsAnswer(filter, counted)) {
      const sums = new Map<string, number>();
      let exact = true;
      for (const segment of decompose(lo, hi)) {
        if (segment.kind === "raw") this.scan(field, segment.lo, segment.hi, filter, sums);
        else exact = this.buckets(index, segment, filter, counted, sums);
        if (!exact) break;
      }
      if (exact) return sums;
    }
    const sums = new Map<string, number>();
    if (lo === undefined || hi === undefined || lo < hi) this.scan(field, lo, hi, filter, sums);
    return sums;
  }

  /** Adds a bucket segment's counts; false when one of its values was too long to be counted. */
  private buckets(
    index: number,
    segment: Segment & { kind: "buckets" },
    filter: StoreFilter | undefined,
    counted: readonly string[],
    sums: Map<string, number>,
  ): boolean {
    const s = segmentCondition(segment);
    const c = filterCondition(filter, this.lookup, {}, countedFieldSql(counted));
    const rows = this.statement(
      `SELECT a.v${index}, sum(a.n) FROM field_counts a WHERE ${s.sql} AND ${c.sql} GROUP BY 1`,
    ).all(...s.params, ...c.params) as [string, number][];
    for (const [stored, n] of rows) {
      const value = decodeCounted(stored);
      if (value === null) return false; // a value longer than the counts keep
      if (value !== undefined) sums.set(value, (sums.get(value) ?? 0) + n);
    }
    return true;
  }

  /** Adds the counts of the alerts in [lo, hi), reading each one's JSON. */
  private scan(
    field: string,
    lo: bigint | undefined,
    hi: bigint | undefined,
    filter: StoreFilter | undefined,
    sums: Map<string, number>,
  ): void {
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
