import { ConfigurationError } from "@falco-sdk/core";
import type Database from "better-sqlite3";
import { BUCKET_WIDTHS_S } from "./bucket-counts.js";
import { type FieldSql, fieldPath, type StoreFilter } from "./store-filter.js";
import { TAGSET } from "./tag-sets.js";

/** The output fields a new store counts per time bucket (the web view's namespace and image facets). */
export const DEFAULT_COUNTED_FIELDS: readonly string[] = [
  "k8s.ns.name",
  "container.image.repository",
];
/** At most this many counted fields (each one costs every append a JSON lookup). */
export const MAX_COUNTED_FIELDS = 8;
/**
 * Values longer than this (in characters) are not kept in the counts: they are counted as "long"
 * and a facet of a range that has one is counted from the alerts instead (exact, slower).
 */
export const MAX_COUNTED_VALUE_LENGTH = 256;

/** The column of the counted field number `i` in `field_counts`. */
const column = (i: number) => `v${i}`;
const COLUMNS = Array.from({ length: MAX_COUNTED_FIELDS }, (_, i) => column(i));

/**
 * Counts of alerts per time bucket (both widths of `alert_counts`) and (priority, rule, hostname,
 * source, tag set, values of the counted output fields): kept in the transaction of every append
 * and every removal, so `facets` counts those fields without reading each alert's JSON, and
 * answers filters on them. `tagset` is as in `alert_counts`; `v0`..`v7` hold the counted fields'
 * values in their order (unused columns ''): `s` and the value as text (the text a scan reads:
 * `CAST(json_extract(json, path) AS TEXT)`), '' when the alert has none, `L` when the value is
 * longer than {@link MAX_COUNTED_VALUE_LENGTH}. Rows are at most one per alert and width, and no
 * value in them is longer than that bound.
 */
export const FIELD_COUNTS_SCHEMA_SQL = `
CREATE TABLE field_counts(
  level INTEGER NOT NULL, bucket INTEGER NOT NULL,
  priority INTEGER NOT NULL, rule INTEGER NOT NULL, hostname INTEGER NOT NULL, source INTEGER NOT NULL,
  tagset TEXT NOT NULL, ${COLUMNS.map((c) => `${c} TEXT NOT NULL`).join(", ")},
  n INTEGER NOT NULL,
  PRIMARY KEY(level, bucket, priority, rule, hostname, source, tagset, ${COLUMNS.join(", ")})
) WITHOUT ROWID;
`;

/** A value of a counted field as stored in its column (see `FIELD_COUNTS_SCHEMA_SQL`). */
export const encodeCounted = (value: string): string => `s${value}`;
/** The value of a counted field's column: undefined for none, null for a value too long. */
export const decodeCounted = (stored: string): string | null | undefined =>
  stored === "" ? undefined : stored === "L" ? null : stored.slice(1);

/** `floor(time_ns / width)` in SQL (SQLite's `/` truncates toward zero). */
const BUCKET = "(a.time_ns - ((a.time_ns % @wns) + @wns) % @wns) / @wns";

/** The key of the counted fields (a JSON array) in `store_meta`. */
const META_KEY = "counted_fields";

/** The counted fields of a store (schema 3). */
export function storedCountedFields(db: Database.Database): string[] {
  const value = db.prepare("SELECT value FROM store_meta WHERE key = ?").pluck().get(META_KEY) as
    | string
    | undefined;
  return value === undefined ? [] : (JSON.parse(value) as string[]);
}

/**
 * Checks the `countedFields` option: distinct non-empty names, at most {@link MAX_COUNTED_FIELDS}.
 * @throws ConfigurationError naming the option.
 */
export function checkCountedFields(fields: readonly string[]): void {
  const bad = (why: string) =>
    new ConfigurationError(`countedFields ${why}`, {
      namedOptions: [{ api: "openAlertStore", name: "countedFields" }],
    });
  if (!Array.isArray(fields)) throw bad("must be an array of output field names");
  if (fields.length > MAX_COUNTED_FIELDS)
    throw bad(`has ${fields.length} fields: give at most ${MAX_COUNTED_FIELDS}`);
  for (const f of fields) {
    if (typeof f !== "string" || f.length === 0 || f.length > MAX_COUNTED_VALUE_LENGTH)
      throw bad(`has ${JSON.stringify(f)}: give output field names such as "k8s.ns.name"`);
  }
  if (new Set(fields).size !== fields.length) throw bad("names a field twice: name each once");
}

/**
 * Makes the store count `fields` (inside one transaction): when they differ from the fields it
 * counts, every row is dropped and recounted from the alerts kept (time proportional to them).
 */
export function setCountedFields(db: Database.Database, fields: readonly string[]): void {
  db.transaction(() => {
    const before = storedCountedFields(db);
    const had = db
      .prepare("SELECT count(*) FROM store_meta WHERE key = ?")
      .pluck()
      .get(META_KEY) as number;
    if (had > 0 && JSON.stringify(before) === JSON.stringify(fields)) return;
    db.prepare("DELETE FROM field_counts").run();
    db.prepare("INSERT OR REPLACE INTO store_meta(key, value) VALUES (?, ?)").run(
      META_KEY,
      JSON.stringify(fields),
    );
    new FieldCounts(db).added(0, Number.MAX_SAFE_INTEGER);
  })();
}

/**
 * True when the field counts can answer a filter exactly: like `countsAnswer`, and filters on
 * counted fields too (values no longer than the counts keep).
 */
export function fieldCountsAnswer(
  filter: StoreFilter | undefined,
  counted: readonly string[],
): boolean {
  const only = (f: Omit<StoreFilter, "not">): boolean =>
    (f.tag === undefined || f.tag.length === 0) &&
    Object.entries(f.fields ?? {}).every(
      ([name, values]) =>
        values.length === 0 ||
        (counted.includes(name) && values.every((v) => v.length <= MAX_COUNTED_VALUE_LENGTH)),
    ) &&
    (f.text === undefined || f.text.trim() === "");
  return filter === undefined || (only(filter) && (filter.not === undefined || only(filter.not)));
}

/** The column (over `field_counts a`) of a counted field, for `filterCondition`. */
export function countedFieldSql(counted: readonly string[]): FieldSql {
  return (field) => {
    const i = counted.indexOf(field);
    // NULL for none, as a scan reads it (so that `not` leaves out alerts without the field too).
    return i < 0 ? undefined : { sql: `nullif(a.${column(i)}, '')`, encode: encodeCounted };
  };
}

/**
 * Keeps the field counts: adds appended alerts, subtracts removed ones (in their transactions).
 * Reads which fields the store counts at each use (one row), so that a recount by another
 * process that opened the store with other `countedFields` is followed, never mixed up.
 */
export class FieldCounts {
  private readonly meta: Database.Statement;
  /** The `counted_fields` the statements below were made for. */
  private layout: string | undefined;
  private counted: readonly string[] = [];
  private addAlerts: Database.Statement | undefined;
  private dropAlerts: Database.Statement | undefined;
  /** The JSON path of each counted field, as the statements' parameters. */
  private params: Record<string, string> = {};

  constructor(private readonly db: Database.Database) {
    this.meta = db.prepare("SELECT value FROM store_meta WHERE key = ?").pluck();
  }

  /** The counted fields now, in the order of their columns. */
  fields(): readonly string[] {
    const layout = (this.meta.get(META_KEY) as string | undefined) ?? "[]";
    if (layout !== this.layout) this.prepare(layout);
    return this.counted;
  }

  /** Counts the alerts with cursors first..last, just appended (inside the append transaction). */
  added(first: number, last: number): void {
    if (this.fields().length === 0) return;
    this.addAlerts?.run({ ...this.params, first, last, sign: 1 });
  }

  /**
   * Uncounts the alerts with cursors first..last, about to be removed: call inside the removal's
   * transaction, before the alerts and their JSON are deleted.
   */
  removing(first: number, last: number): void {
    if (this.fields().length === 0) return;
    this.addAlerts?.run({ ...this.params, first, last, sign: -1 });
    for (const w of BUCKET_WIDTHS_S) this.dropAlerts?.run({ w, wns: w * 1e9, first, last });
  }

  private prepare(layout: string): void {
    this.layout = layout;
    this.counted = JSON.parse(layout) as string[];
    this.params = Object.fromEntries(this.counted.map((f, i) => [`p${i}`, fieldPath(f)]));
    if (this.counted.length === 0) return;
    const values = this.counted
      .map((_, i) => `CAST(json_extract(j.json, @p${i}) AS TEXT) AS ${column(i)}`)
      .join(", ");
    const stored = COLUMNS.map((c, i) =>
      i < this.counted.length
        ? `CASE WHEN x.${c} IS NULL THEN '' WHEN length(x.${c}) > ${MAX_COUNTED_VALUE_LENGTH} THEN 'L' ELSE 's' || x.${c} END`
        : "''",
    ).join(", ");
    // sign is 1 for alerts appended, -1 for alerts removed; rows reaching 0 are deleted.
    this.addAlerts = this.db.prepare(
      `WITH x AS MATERIALIZED (
         SELECT a.time_ns, a.priority, a.rule, a.hostname, a.source, ${TAGSET} AS tagset, ${values}
         FROM alerts a CROSS JOIN alert_json j ON j.seq = a.seq WHERE a.seq BETWEEN @first AND @last),
       l(w, wns) AS (VALUES ${BUCKET_WIDTHS_S.map((w) => `(${w}, ${w * 1e9})`).join(", ")})
       INSERT INTO field_counts(level, bucket, priority, rule, hostname, source, tagset, ${COLUMNS.join(", ")}, n)
       SELECT l.w, (x.time_ns - ((x.time_ns % l.wns) + l.wns) % l.wns) / l.wns,
         x.priority, x.rule, x.hostname, x.source, x.tagset, ${stored}, @sign * count(*)
       FROM x CROSS JOIN l WHERE true
       GROUP BY ${Array.from({ length: 7 + MAX_COUNTED_FIELDS }, (_, i) => i + 1).join(", ")}
       ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    );
    this.dropAlerts = this.db.prepare(
      `DELETE FROM field_counts WHERE level = @w AND n = 0 AND bucket BETWEEN
       (SELECT min(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last) AND
       (SELECT max(${BUCKET}) FROM alerts a WHERE a.seq BETWEEN @first AND @last)`,
    );
  }
}
