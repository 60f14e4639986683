import type Database from "better-sqlite3";
import { PrefixRemoval } from "./prefix-removal.js";

/** What retention keeps; each undefined limit is no limit. */
export interface RetentionLimits {
  readonly maxAgeMs?: number | undefined;
  readonly maxBytes?: number | undefined;
  readonly maxCount?: number | undefined;
}

/**
 * Removes the oldest alerts (the lowest cursors: the store always holds one run of cursors with
 * no holes, so a reader behind it can tell how many it missed) while a limit is passed: after
 * each append for count and bytes, every `checkIntervalMs` for age. Counts what it removes.
 */
export class Retention {
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly removal: PrefixRemoval;

  constructor(
    private readonly db: Database.Database,
    private readonly limits: RetentionLimits,
    checkIntervalMs: number,
  ) {
    this.removal = new PrefixRemoval(db);
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
        // The newest alert is never removed (a store too small for one keeps it).
        if (first === 0 || first === last) break;
        // Remove a tenth of what is kept at a time, then measure again. Never more: a floor of
        // one chunk (2,000 alerts) emptied a store whose limit holds fewer at the first append
        // past it, the alert just appended included.
        const n = Math.ceil((last - first + 1) / 10);
        const r = this.removeOldest(Math.min(last - 1, first + n - 1));
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
    return this.removal.bounds();
  }

  /** Removes every alert up to `upTo`, counted as retention. */
  private removeOldest(upTo: number): number {
    return this.removal.removeThrough(upTo, true);
  }
}
