import type Database from "better-sqlite3";
import { filterCondition, type StoreFilter } from "./store-filter.js";
import type { TimeBound } from "./store-queries.js";

/** An alert as the store keeps it: its cursor and its Falco JSON text, byte for byte (integers exact). */
export interface StoredAlertJson {
  /** Its cursor (see `StoredAlert.cursor`). */
  readonly cursor: number;
  /** The alert as Falco JSON text, as the store wrote it (not parsed, not re-serialized). */
  readonly json: string;
}

/** Options of `AlertStore.readJsonPage`. */
export interface JsonPageOptions {
  /** Alerts with a cursor above this one. */
  readonly after: number;
  /** Only alerts that match. @default every alert */
  readonly filter?: StoreFilter;
  /** Only alerts at or after this event time. @default the oldest */
  readonly since?: TimeBound;
  /** Only alerts before this event time. @default no bound */
  readonly until?: TimeBound;
  /** At most this many alerts. @default 256 */
  readonly limit?: number;
}

/**
 * One page of `readJsonPage`: the alerts, oldest first; `scanned`, the cursor to pass as `after`
 * next (it can pass alerts the filter left out); `first` and `last`, the cursors of the oldest
 * alert kept (`last + 1` when none is) and of the newest appended, so a caller sees a gap
 * (`first > after + 1`).
 */
export interface JsonPage {
  /** The alerts of the page that match, oldest first; empty when none does. */
  readonly alerts: StoredAlertJson[];
  /** The cursor the page read up to: pass it as `after` for the next page. */
  readonly scanned: number;
  /** Cursor of the oldest alert kept (`last + 1` when the store is empty). */
  readonly first: number;
  /** Cursor of the newest alert appended (0 when none ever was). */
  readonly last: number;
}

const toNs = (t: TimeBound | undefined): bigint | undefined =>
  t === undefined ? undefined : typeof t === "bigint" ? t : BigInt(t.getTime()) * 1_000_000n;

/** Reads a page of stored JSON text after a cursor, without parsing it. */
export function readJsonPage(
  db: Database.Database,
  lookup: Parameters<typeof filterCondition>[1],
  range: () => { first: number; last: number },
  options: JsonPageOptions,
): JsonPage {
  const kept = range();
  const last = kept.last;
  const first = kept.first === 0 ? last + 1 : kept.first;
  const limit = Math.max(Math.trunc(options.limit ?? 256), 1);
  const from = Math.max(Math.trunc(options.after), first - 1, 0);
  if (from >= last) return { alerts: [], scanned: Math.max(from, options.after), first, last };
  // Bounded scan: a filter that matches little still returns after a few pages' worth of rows.
  const upTo = Math.min(last, from + limit * 4);
  const c = filterCondition(options.filter, lookup, {
    sinceNs: toNs(options.since),
    untilNs: toNs(options.until),
  });
  const rows = db
    .prepare(
      `SELECT a.seq AS cursor, j.json FROM alerts a JOIN alert_json j ON j.seq = a.seq
       WHERE a.seq > ? AND a.seq <= ? AND ${c.sql} ORDER BY a.seq LIMIT ?`,
    )
    .all(from, upTo, ...c.params, limit) as StoredAlertJson[];
  const scanned = rows.length === limit ? (rows[rows.length - 1]?.cursor ?? upTo) : upTo;
  return { alerts: rows, scanned, first, last };
}
