import type { PageAlert } from "./stored-alert.js";

/**
 * The alerts the table shows, newest first, at most `capacity` (the oldest leave first), each
 * cursor once. Live alerts go on top (`addNewer`), older pages at the bottom (`addOlder`).
 */
export class AlertList {
  private items: PageAlert[] = [];
  private readonly cursors = new Set<number>();

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.items.length;
  }

  at(index: number): PageAlert | undefined {
    return this.items[index];
  }

  /** Cursor of the newest alert held (0 when empty). */
  get newest(): number {
    return this.items[0]?.cursor ?? 0;
  }

  /** Cursor of the oldest alert held (0 when empty). */
  get oldest(): number {
    return this.items[this.items.length - 1]?.cursor ?? 0;
  }

  get full(): boolean {
    return this.items.length >= this.capacity;
  }

  /** Adds alerts newer than every one held (in arrival order); returns how many were added on top. */
  addNewer(alerts: readonly PageAlert[]): number {
    const fresh = this.unseen(alerts, alerts.length);
    this.items = [...fresh.reverse(), ...this.items];
    this.trim();
    return fresh.length;
  }

  /** Adds alerts older than every one held (newest first, as a page comes). */
  addOlder(alerts: readonly PageAlert[]): number {
    const taken = this.unseen(alerts, Math.max(this.capacity - this.items.length, 0));
    this.items.push(...taken);
    return taken.length;
  }

  clear(): void {
    this.items = [];
    this.cursors.clear();
  }

  /** Up to `max` alerts whose cursor is not held yet (each once), now marked as held. */
  private unseen(alerts: readonly PageAlert[], max: number): PageAlert[] {
    const fresh: PageAlert[] = [];
    for (const a of alerts) {
      if (fresh.length >= max) break;
      if (this.cursors.has(a.cursor)) continue;
      this.cursors.add(a.cursor);
      fresh.push(a);
    }
    return fresh;
  }

  private trim(): void {
    while (this.items.length > this.capacity) {
      const dropped = this.items.pop() as PageAlert;
      this.cursors.delete(dropped.cursor);
    }
  }
}
