import type Database from "better-sqlite3";
import { BucketCounts } from "./bucket-counts.js";
import { FieldCounts } from "./field-counts.js";

/** Alerts removed per transaction, so a large removal never holds the writer for long. */
export const REMOVAL_CHUNK = 2000;

/**
 * Removes the oldest alerts, a run of the lowest cursors (the store always holds one run of
 * cursors with no holes, so a reader behind it can tell how many it missed): their text,
 * JSON and their share of the bucket and field counts, in the same transaction. Retention and
 * `removeThrough` both remove this way; only retention's removals are counted as `removed`.
 */
export class PrefixRemoval {
  private readonly removeUpTo: Database.Transaction<(seq: number, counted: boolean) => number>;
  private readonly boundsQuery: Database.Statement;

  constructor(db: Database.Database) {
    const deleteText = db.prepare(
      "DELETE FROM alert_text WHERE rowid IN (SELECT seq FROM alerts WHERE seq <= ?)",
    );
    const deleteJson = db.prepare("DELETE FROM alert_json WHERE seq <= ?");
    const deleteAlerts = db.prepare("DELETE FROM alerts WHERE seq <= ?");
    const count = db.prepare("UPDATE counters SET value = value + ? WHERE name = 'removed'");
    const counts = new BucketCounts(db);
    const fieldCounts = new FieldCounts(db);
    this.removeUpTo = db.transaction((seq: number, counted: boolean) => {
      counts.removing(0, seq);
      fieldCounts.removing(0, seq);
      deleteText.run(seq);
      deleteJson.run(seq);
      const removed = deleteAlerts.run(seq).changes;
      if (counted) count.run(removed);
      return removed;
    });
    this.boundsQuery = db.prepare(
      "SELECT coalesce(min(seq), 0) AS first, coalesce(max(seq), 0) AS last FROM alerts",
    );
  }

  /** The lowest and highest cursor held, 0 and 0 when the store is empty. */
  bounds(): { first: number; last: number } {
    return this.boundsQuery.get() as { first: number; last: number };
  }

  /**
   * Removes every alert up to `upTo`, a chunk per transaction; `counted`: as retention (the
   * `removed` counter). Returns how many it removed.
   */
  removeThrough(upTo: number, counted: boolean): number {
    let removed = 0;
    for (;;) {
      const { first } = this.bounds();
      if (first === 0 || first > upTo) return removed;
      removed += this.removeUpTo(Math.min(upTo, first + REMOVAL_CHUNK - 1), counted);
    }
  }
}
