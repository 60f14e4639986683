import type { PageAlert } from "./stored-alert.js";

/**
 * The alerts picked in the table, by cursor. It holds the alerts themselves, so a picked alert
 * stays picked (and part of an exception) when it scrolls out of the page's list or the filter
 * changes; **Clear selection** empties it.
 */
export class AlertSelection {
  private readonly picked = new Map<number, PageAlert>();

  constructor(private readonly onChange: () => void = () => {}) {}

  get size(): number {
    return this.picked.size;
  }

  has(cursor: number): boolean {
    return this.picked.has(cursor);
  }

  /** How many of these alerts are picked. */
  countOf(alerts: readonly PageAlert[]): number {
    let n = 0;
    for (const a of alerts) if (this.picked.has(a.cursor)) n++;
    return n;
  }

  /** Picks (`on`) or unpicks the alerts. */
  set(alerts: readonly PageAlert[], on: boolean): void {
    for (const a of alerts) {
      if (on) this.picked.set(a.cursor, a);
      else this.picked.delete(a.cursor);
    }
    this.onChange();
  }

  clear(): void {
    this.picked.clear();
    this.onChange();
  }

  /** The picked alerts, newest first. */
  alerts(): PageAlert[] {
    return [...this.picked.values()].sort((a, b) => b.cursor - a.cursor);
  }

  /** `3 alerts selected (2 rules)`. */
  describe(): string {
    const rules = new Set([...this.picked.values()].map((a) => a.rule)).size;
    const n = this.picked.size;
    return `${n.toLocaleString()} ${n === 1 ? "alert" : "alerts"} selected (${rules} ${rules === 1 ? "rule" : "rules"})`;
  }
}
