import type { PageAlert } from "./stored-alert.js";

/** What a view built on the list (the folds) is told of each change. */
export interface AlertListObserver {
  /** Alerts added on top, oldest first. */
  newer(alerts: readonly PageAlert[]): void;
  /** Alerts added at the bottom, newest first. */
  older(alerts: readonly PageAlert[]): void;
  /** The oldest alerts, dropped to stay within the capacity. */
  dropped(alerts: readonly PageAlert[]): void;
  cleared(): void;
}

/**
 * The alerts the table shows, newest first, at most `capacity` (the oldest leave first), each
 * cursor once. Live alerts go on top (`addNewer`), older pages at the bottom (`addOlder`).
 */
export class AlertList {
  private items: PageAlert[] = [];
  private readonly cursors = new Set<number>();

  constructor(
    readonly capacity: number,
    private readonly observer?: AlertListObserver,
  ) {}

  /** The alerts held, newest first. */
  *[Symbol.iterator](): IterableIterator<PageAlert> {
    yield* this.items;
  }

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
    if (fresh.length === 0) return 0;
    this.observer?.newer(fresh);
    this.items = [...fresh.slice().reverse(), ...this.items];
    this.trim();
    return fresh.length;
  }

  /** Adds alerts older than every one held (newest first, as a page comes). */
  addOlder(alerts: readonly PageAlert[]): number {
    const taken = this.unseen(alerts, Math.max(this.capacity - this.items.length, 0));
    for (const a of taken) this.items.push(a);
    if (taken.length > 0) this.observer?.older(taken);
    return taken.length;
  }

  clear(): void {
    this.items = [];
    this.cursors.clear();
    this.observer?.cleared();
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
    const dropped: PageAlert[] = [];
    while (this.items.length > this.capacity) {
      const a = this.items.pop() as PageAlert;
      this.cursors.delete(a.cursor);
      dropped.push(a);
    }
    if (dropped.length > 0) this.observer?.dropped(dropped);
  }
}
