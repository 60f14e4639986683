import type { AlertSelection } from "./alert-selection.js";
import { el } from "./dom.js";
import type { FoldCounts } from "./fold-counts.js";
import type { PageAlert } from "./stored-alert.js";
import { fillRowCells, isFold, makeRowCells, type RowCells, rowAlerts } from "./table-row-cells.js";
import type { TableRows } from "./table-rows.js";
import { visibleRange } from "./visible-range.js";

const ROW_HEIGHT = 28;

/**
 * A table of any length with a bounded DOM: only the rows in view (and a few around) exist,
 * recycled as it scrolls. Arrow keys move the cursor; Enter or a click opens an alert, or
 * opens and closes a fold (its raw alerts under it); ArrowRight/ArrowLeft open and close a fold.
 * Alerts are picked (for an exception) with each row's checkbox, `x` or Space on the cursor's
 * row, Ctrl/Cmd-click, and Shift-click or Shift+arrows for a range; a fold's checkbox picks
 * all its alerts.
 */
export class VirtualTable {
  private readonly spacer = el("div", "spacer");
  private readonly body = el("div", "rows");
  private readonly pool: RowCells[] = [];
  private selected = -1;
  /** Where the last pick was (display index): a Shift-click picks from there. */
  private pickAnchor = -1;
  /** Oldest first when true (the time column's sort). */
  ascending = false;
  /** The store's counts of the folds (else a fold counts the alerts the page holds). */
  foldCounts: FoldCounts | undefined;
  /** The fold window, for a fold's Repeats cell. */
  foldWindowMs = 300_000;

  constructor(
    private readonly viewport: HTMLElement,
    /** What the table shows: the list's alerts, or their folds. */
    public rows: TableRows,
    private readonly onOpen: (alert: PageAlert) => void,
    private readonly onNearEnd: () => void,
    private readonly picked: AlertSelection,
  ) {
    viewport.setAttribute("role", "grid");
    viewport.setAttribute("aria-label", "alerts");
    viewport.tabIndex = 0;
    viewport.append(this.spacer, this.body);
    viewport.addEventListener("scroll", () => this.render(), { passive: true });
    viewport.addEventListener("keydown", (e) => this.onKey(e));
    new ResizeObserver(() => this.render()).observe(viewport);
  }

  private get count(): number {
    return this.rows.rowCount(this.ascending);
  }

  /**
   * Applies a change to what the table shows (alerts added, a fold moved to the top) and keeps
   * the rows in view where they are when scrolled down, and the selection on its row.
   */
  update(change: () => void): void {
    const top = Math.floor(this.viewport.scrollTop / ROW_HEIGHT);
    const anchor = this.viewport.scrollTop > 0 ? this.rows.row(top, this.ascending) : undefined;
    const selected = this.rows.row(this.selected, this.ascending);
    change();
    if (anchor) {
      const moved = this.rows.indexOf(anchor, this.ascending);
      if (moved >= 0 && moved !== top) this.viewport.scrollTop += (moved - top) * ROW_HEIGHT;
    }
    this.selected = selected ? this.rows.indexOf(selected, this.ascending) : -1;
    this.render();
  }

  reset(): void {
    this.selected = -1;
    this.viewport.scrollTop = 0;
    this.render();
  }

  render(): void {
    const count = this.count;
    this.spacer.style.height = `${count * ROW_HEIGHT}px`;
    const { first, end } = visibleRange(
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
      count,
    );
    const needed = end - first;
    while (this.pool.length < needed) this.pool.push(this.makeRow());
    this.body.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    const context = {
      picked: this.picked,
      selected: this.selected,
      foldCounts: this.foldCounts,
      foldWindowMs: this.foldWindowMs,
    };
    for (let i = 0; i < this.pool.length; i++) {
      const cells = this.pool[i] as RowCells;
      const row = i < needed ? this.rows.row(first + i, this.ascending) : undefined;
      if (!row) {
        cells.row.hidden = true;
        continue;
      }
      fillRowCells(cells, row, first + i, context);
    }
    // Bounded DOM: a pool never larger than twice what the viewport needs.
    while (this.pool.length > needed * 2 + 16) this.pool.pop()?.row.remove();
    if (end >= count - 20) this.onNearEnd();
  }

  /**
   * Scrolls the row of the alert with this cursor to the top of the view, selects it and opens
   * it; false when no row shows it (not held, or inside a closed fold).
   */
  reveal(cursor: number): boolean {
    const count = this.count;
    for (let i = 0; i < count; i++) {
      if (this.rows.row(i, this.ascending)?.alert.cursor !== cursor) continue;
      this.viewport.scrollTop = i * ROW_HEIGHT;
      this.select(i, true);
      return true;
    }
    return false;
  }

  private makeRow(): RowCells {
    const cells = makeRowCells(
      (index, e) => {
        if (e.shiftKey) this.pickRange(index);
        else this.togglePick(index);
      },
      (index, e) => {
        if (e.shiftKey) this.pickRange(index);
        else if (e.ctrlKey || e.metaKey) this.togglePick(index);
        else this.activate(index);
      },
    );
    this.body.append(cells.row);
    return cells;
  }

  /** Picks the row's alerts, or unpicks them when they all are. */
  private togglePick(index: number): void {
    const row = this.rows.row(index, this.ascending);
    if (!row) return;
    const alerts = rowAlerts(row);
    this.picked.set(alerts, this.picked.countOf(alerts) < alerts.length);
    this.pickAnchor = index;
    this.selected = index;
    this.render();
  }

  /** Picks every row from the last pick (or the cursor) to `index`. */
  private pickRange(index: number): void {
    const from = this.pickAnchor >= 0 ? this.pickAnchor : Math.max(this.selected, index);
    const alerts: PageAlert[] = [];
    for (let i = Math.min(from, index); i <= Math.max(from, index); i++) {
      const row = this.rows.row(i, this.ascending);
      if (row) alerts.push(...rowAlerts(row));
    }
    this.picked.set(alerts, true);
    this.selected = index;
    this.render();
  }

  /** A click or Enter: a fold opens or closes, an alert shows its JSON. */
  private activate(index: number): void {
    const row = this.rows.row(index, this.ascending);
    if (isFold(row) && row?.fold) this.expand(index, !row.fold.expanded);
    else this.select(index, true);
  }

  private expand(index: number, expanded: boolean): void {
    const row = this.rows.row(index, this.ascending);
    if (!row?.fold || !this.rows.setExpanded) return;
    const fold = row.fold;
    this.rows.setExpanded(fold, expanded);
    this.select(this.rows.indexOf(fold.row, this.ascending), false);
  }

  private select(index: number, open: boolean): void {
    if (index < 0 || index >= this.count) return;
    this.selected = index;
    const top = index * ROW_HEIGHT;
    const vp = this.viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight)
      vp.scrollTop = top + ROW_HEIGHT - vp.clientHeight;
    this.render();
    const row = this.rows.row(index, this.ascending);
    if (open && row && !isFold(row)) this.onOpen(row.alert);
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1, 1);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      j: 1,
      k: -1,
    };
    const move = moves[e.key];
    const current = this.rows.row(this.selected, this.ascending);
    if (move !== undefined && e.shiftKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      if (this.selected < 0) {
        this.select(0, false);
        return;
      }
      if (this.pickAnchor < 0 || !current || this.picked.countOf(rowAlerts(current)) === 0)
        this.pickAnchor = this.selected;
      const next = Math.min(Math.max(this.selected + move, 0), this.count - 1);
      this.pickRange(next);
      this.select(next, false);
    } else if ((e.key === "x" || e.key === " ") && current) {
      e.preventDefault();
      this.togglePick(this.selected);
    } else if (move !== undefined) {
      e.preventDefault();
      const next = Math.min(Math.max(this.selected + move, 0), this.count - 1);
      this.select(next, true);
    } else if (e.key === "Home") {
      e.preventDefault();
      this.select(0, true);
    } else if (e.key === "End") {
      e.preventDefault();
      this.select(this.count - 1, true);
    } else if (e.key === "Enter" && current) {
      e.preventDefault();
      this.activate(this.selected);
    } else if (e.key === "ArrowRight" && isFold(current)) {
      e.preventDefault();
      this.expand(this.selected, true);
    } else if (
      e.key === "ArrowLeft" &&
      current?.fold &&
      (isFold(current) || current.kind === "member")
    ) {
      e.preventDefault();
      this.expand(this.rows.indexOf(current.fold.row, this.ascending), false);
    }
  }
}
