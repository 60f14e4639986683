import type { AlertList } from "./alert-list.js";
import { el } from "./dom.js";
import type { PageAlert } from "./stored-alert.js";
import { visibleRange } from "./visible-range.js";

const ROW_HEIGHT = 28;

interface RowCells {
  readonly row: HTMLDivElement;
  readonly time: HTMLSpanElement;
  readonly priority: HTMLSpanElement;
  readonly rule: HTMLSpanElement;
  readonly hostname: HTMLSpanElement;
  readonly output: HTMLSpanElement;
}

/**
 * A table of any length with a bounded DOM: only the rows in view (and a few around) exist,
 * recycled as it scrolls. Arrow keys move the selection; Enter or a click opens an alert.
 */
export class VirtualTable {
  private readonly spacer = el("div", "spacer");
  private readonly rows = el("div", "rows");
  private readonly pool: RowCells[] = [];
  private selected = -1;
  /** Oldest first when true (the time column's sort). */
  ascending = false;

  constructor(
    private readonly viewport: HTMLElement,
    private readonly list: AlertList,
    private readonly onOpen: (alert: PageAlert) => void,
    private readonly onNearEnd: () => void,
  ) {
    viewport.setAttribute("role", "grid");
    viewport.setAttribute("aria-label", "alerts");
    viewport.tabIndex = 0;
    viewport.append(this.spacer, this.rows);
    viewport.addEventListener("scroll", () => this.render(), { passive: true });
    viewport.addEventListener("keydown", (e) => this.onKey(e));
    new ResizeObserver(() => this.render()).observe(viewport);
  }

  /** The alert at a display row. */
  alertAt(index: number): PageAlert | undefined {
    return this.list.at(this.ascending ? this.list.length - 1 - index : index);
  }

  /** Rows were added on top (newest first): keep the rows in view where they are. */
  addedOnTop(count: number): void {
    if (count > 0 && !this.ascending && this.viewport.scrollTop > 0) {
      this.viewport.scrollTop += count * ROW_HEIGHT;
    }
    if (this.selected >= 0 && !this.ascending) this.selected += count;
    this.render();
  }

  reset(): void {
    this.selected = -1;
    this.viewport.scrollTop = 0;
    this.render();
  }

  render(): void {
    const count = this.list.length;
    this.spacer.style.height = `${count * ROW_HEIGHT}px`;
    const { first, end } = visibleRange(
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
      count,
    );
    const needed = end - first;
    while (this.pool.length < needed) this.pool.push(this.makeRow());
    this.rows.style.transform = `translateY(${first * ROW_HEIGHT}px)`;
    for (let i = 0; i < this.pool.length; i++) {
      const cells = this.pool[i] as RowCells;
      const alert = i < needed ? this.alertAt(first + i) : undefined;
      if (!alert) {
        cells.row.hidden = true;
        continue;
      }
      cells.row.hidden = false;
      cells.row.dataset.index = String(first + i);
      cells.row.dataset.cursor = String(alert.cursor);
      cells.row.className = `row p-${alert.priority.toLowerCase()}`;
      cells.row.setAttribute("aria-selected", String(first + i === this.selected));
      cells.time.textContent = alert.time.replace("T", " ").slice(0, 23);
      cells.priority.textContent = alert.priority;
      cells.rule.textContent = alert.rule;
      cells.hostname.textContent = alert.hostname;
      cells.output.textContent = alert.output;
      cells.row.title = alert.output;
    }
    // Bounded DOM: a pool never larger than twice what the viewport needs.
    while (this.pool.length > needed * 2 + 16) this.pool.pop()?.row.remove();
    if (end >= count - 20) this.onNearEnd();
  }

  private makeRow(): RowCells {
    const row = el("div", "row");
    row.setAttribute("role", "row");
    const cell = (name: string) => {
      const span = el("span", `cell ${name}`);
      span.setAttribute("role", "cell");
      row.append(span);
      return span;
    };
    const cells = {
      row,
      time: cell("time"),
      priority: cell("priority"),
      rule: cell("rule"),
      hostname: cell("hostname"),
      output: cell("output"),
    };
    row.addEventListener("click", () => this.select(Number(row.dataset.index), true));
    this.rows.append(row);
    return cells;
  }

  private select(index: number, open: boolean): void {
    if (index < 0 || index >= this.list.length) return;
    this.selected = index;
    const top = index * ROW_HEIGHT;
    const vp = this.viewport;
    if (top < vp.scrollTop) vp.scrollTop = top;
    else if (top + ROW_HEIGHT > vp.scrollTop + vp.clientHeight)
      vp.scrollTop = top + ROW_HEIGHT - vp.clientHeight;
    this.render();
    const alert = this.alertAt(index);
    if (open && alert) this.onOpen(alert);
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
    if (move !== undefined) {
      e.preventDefault();
      const next = Math.min(Math.max(this.selected + move, 0), this.list.length - 1);
      this.select(next, true);
    } else if (e.key === "Home") {
      e.preventDefault();
      this.select(0, true);
    } else if (e.key === "End") {
      e.preventDefault();
      this.select(this.list.length - 1, true);
    }
  }
}
