import { Fold, type FoldRow, foldKey } from "./fold.js";
import type { FoldSettings } from "./fold-settings.js";
import type { PageAlert } from "./stored-alert.js";
import type { TableRow, TableRows } from "./table-rows.js";

/**
 * The folds of the alerts an AlertList holds, in the table's order: the fold with the newest
 * alert first. It follows the list: `addNewer` (live alerts, oldest first: a new alert joins its
 * fold, which moves to the top), `addOlder` (an older page, newest first), `drop` (the list's
 * oldest alerts, when it is full), `clear`. It holds no alert the list does not: it is bounded
 * like it.
 */
export class AlertFolds implements TableRows {
  private readonly byKey = new Map<string, Fold>();
  private readonly byCursor = new Map<number, Fold>();
  /** Folds by their newest alert, newest first. */
  private order: Fold[] = [];
  private rows: FoldRow[] | undefined;
  private rowsAscending = false;

  constructor(private settings: FoldSettings) {}

  /** How many folds (a single alert is a fold of one). */
  get folds(): number {
    return this.order.length;
  }

  /** How many rows the table shows: the folds and the alerts of expanded ones. */
  rowCount(ascending: boolean): number {
    return this.table(ascending).length;
  }

  /** The row at a display index (`ascending`: oldest first). */
  row(index: number, ascending: boolean): FoldRow | undefined {
    return this.table(ascending)[index];
  }

  /** The display index of a row (a fold's row, or an alert of an expanded fold); -1 when gone. */
  indexOf(row: TableRow, ascending: boolean): number {
    const rows = this.table(ascending);
    if (row.kind === "fold" && row.fold) return rows.indexOf(row.fold.row);
    return rows.findIndex((r) => r.kind === "member" && r.alert === row.alert);
  }

  /** The fold an alert is in. */
  foldOf(alert: Pick<PageAlert, "cursor">): Fold | undefined {
    return this.byCursor.get(alert.cursor);
  }

  /** Shows or hides a fold's raw alerts. */
  setExpanded(fold: Fold, expanded: boolean): void {
    if (fold.expanded === expanded) return;
    fold.expanded = expanded;
    this.rows = undefined;
  }

  /** New settings: folds everything again from the list's alerts (newest first). */
  refold(settings: FoldSettings, alerts: Iterable<PageAlert>): void {
    this.settings = settings;
    this.clear();
    const batch: PageAlert[] = [];
    for (const a of alerts) batch.push(a);
    this.addOlder(batch);
  }

  /** Alerts newer than every one held, oldest first. */
  addNewer(alerts: readonly PageAlert[]): void {
    if (alerts.length === 0) return;
    const moved = new Set<Fold>();
    for (const a of alerts) {
      const key = this.keyOf(a);
      let fold = this.byKey.get(key);
      if (fold) fold.pushNewer(a);
      else {
        fold = new Fold(key, a);
        this.byKey.set(key, fold);
      }
      this.byCursor.set(a.cursor, fold);
      moved.add(fold);
    }
    const top = [...moved].sort((x, y) => y.newest.cursor - x.newest.cursor);
    this.order = [...top, ...this.order.filter((f) => !moved.has(f))];
    this.rows = undefined;
  }

  /** Alerts older than every one held, newest first (a page). */
  addOlder(alerts: readonly PageAlert[]): void {
    if (alerts.length === 0) return;
    for (const a of alerts) {
      const key = this.keyOf(a);
      let fold = this.byKey.get(key);
      if (fold) fold.pushOlder(a);
      else {
        fold = new Fold(key, a);
        this.byKey.set(key, fold);
        this.order.push(fold);
      }
      this.byCursor.set(a.cursor, fold);
    }
    this.rows = undefined;
  }

  /** The list dropped these alerts (its oldest). */
  drop(alerts: readonly PageAlert[]): void {
    let emptied = false;
    for (const a of alerts) {
      const fold = this.byCursor.get(a.cursor);
      if (!fold) continue;
      this.byCursor.delete(a.cursor);
      fold.dropOldest();
      if (fold.count === 0) {
        this.byKey.delete(fold.key);
        emptied = true;
      }
    }
    if (emptied) this.order = this.order.filter((f) => f.count > 0);
    this.rows = undefined;
  }

  clear(): void {
    this.byKey.clear();
    this.byCursor.clear();
    this.order = [];
    this.rows = undefined;
  }

  private keyOf(alert: PageAlert): string {
    return foldKey(alert, this.settings.fields, this.settings.windowMs);
  }

  /** The rows in display order, made again only after a change. */
  private table(ascending: boolean): FoldRow[] {
    if (this.rows && this.rowsAscending === ascending) return this.rows;
    const rows: FoldRow[] = [];
    const n = this.order.length;
    for (let i = 0; i < n; i++) {
      const fold = this.order[ascending ? n - 1 - i : i] as Fold;
      rows.push(fold.row);
      if (!fold.expanded || fold.count < 2) continue;
      const c = fold.count;
      for (let j = 0; j < c; j++)
        rows.push({ fold, alert: fold.at(ascending ? j : c - 1 - j), kind: "member" });
    }
    this.rows = rows;
    this.rowsAscending = ascending;
    return rows;
  }
}
