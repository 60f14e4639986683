import type Database from "better-sqlite3";
import { BucketCounts } from "./bucket-counts.js";

/** What retention keeps; each undefined limit is no limit. */
export interface RetentionLimits {
  readonly maxAgeMs?: number | undefined;
  readonly maxBytes?: number | undefined;
  readonly maxCount?: number | undefined;
}

/** Alerts removed per transaction, so a large removal never holds the writer for long. */
const CHUNK = 2000;

/**
 * Removes the oldest alerts (the lowest cursors: the store always holds one run of cursors with
 * no holes, so a reader behind it can tell how many it missed) while a limit is passed: after
 * each append for count and bytes, every `checkIntervalMs` for age. Counts what it removes.
 */
export class Retention {
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly removeUpTo: Database.Transaction<(seq: number) => number>;

  constructor(
    private readonly db: Database.Database,
    private readonly limits: RetentionLimits,
    checkIntervalMs: number,
  ) {
    const deleteTags = db.prepare("DELETE FROM alert_tags WHERE seq <= ?");
    const deleteText = db.prepare(
      "DELETE FROM alert_text WHERE rowid IN (SELECT seq FROM alerts WHERE seq <= ?)",
    );
    const deleteJson = db.prepare("DELETE FROM alert_json WHERE seq <= ?");
    const deleteAlerts = db.prepare("DELETE FROM alerts WHERE seq <= ?");
    const count = db.prepare("UPDATE counters SET value = value + ? WHERE name = 'removed'");
    const counts = new BucketCounts(db);
    this.removeUpTo = db.transaction((seq: number) => {
      counts.removing(0, seq);
      deleteTags.run(seq);
      deleteText.run(seq);
      deleteJson.run(seq);
      const removed = deleteAlerts.run(seq).changes;
      count.run(removed);
      return removed;
    });
    if (limits.maxAgeMs !== undefined) {
      this.timer = setInterval(() => this.enforce(), checkIntervalMs);
      this.timer.unref();
    }
  }

  /** Bytes of database pages holding data (free pages, reused by later appends, not counted). */
  usedBytes(): number {
    const pageSize = Number(this.db.pragma("page_size", { simple: true }));
    const pages = Number(this.db.pragma("page_count", { simple: true }));
    const free = Number(this.db.pragma("freelist_count", { simple: true }));
    return (pages - free) * pageSize;
  }

  afterAppend(): void {
    if (this.limits.maxBytes !== undefined || this.limits.maxCount !== undefined) this.enforce();
  }

  /** Removes what the limits do not keep; returns how many alerts it removed. */
  enforce(): number {
    if (!this.db.open) return 0;
    let removed = 0;
    const { maxAgeMs, maxBytes, maxCount } = this.limits;
    if (maxCount !== undefined) {
      const { first, last } = this.bounds();
      const excess = first === 0 ? 0 : last - first + 1 - maxCount;
      if (excess > 0) removed += this.removeOldest(first + excess - 1);
    }
    if (maxAgeMs !== undefined) {
      const cutoffNs = BigInt(Date.now() - maxAgeMs) * 1_000_000n;
      // The first alert young enough ends the run removed: an older one appended after it stays
      // until the run reaches it, so the store keeps no holes.
      const keepFrom = this.db
        .prepare("SELECT min(seq) FROM alerts WHERE time_ns >= ?")
        .pluck()
        .get(cutoffNs) as number | null;
      const { first, last } = this.bounds();
      if (first !== 0) removed += this.removeOldest(keepFrom === null ? last : keepFrom - 1);
    }
    if (maxBytes !== undefined) {
      while (this.usedBytes() > maxBytes) {
        const { first, last } = this.bounds();
        if (first === 0) break;
        // Remove a tenth of what is kept at a time (at least one chunk), then measure again.
        const n = Math.max(CHUNK, Math.ceil((last - first + 1) / 10));
        const r = this.removeOldest(Math.min(last, first + n - 1));
        removed += r;
        if (r === 0) break;
      }
    }
    return removed;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private bounds(): { first: number; last: number } {
    const row = this.db
      .prepare("SELECT coalesce(min(seq), 0) AS first, coalesce(max(seq), 0) AS last FROM alerts")
      .get() as {
      first: number;
      last: number;
    };
    return row;
  }

  /** Removes every alert up to `upTo`, a chunk per transaction. */
  private removeOldest(upTo: number): number {
    let removed = 0;
    for (;;) {
      const { first } = this.bounds();
      if (first === 0 || first > upTo) return removed;
      removed += this.removeUpTo(Math.min(upTo, first + CHUNK - 1));
    }
  }
}
