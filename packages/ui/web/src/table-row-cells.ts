import type { AlertSelection } from "./alert-selection.js";
import { el } from "./dom.js";
import { type FoldCounts, foldCell } from "./fold-counts.js";
import type { PageAlert } from "./stored-alert.js";
import type { TableRow } from "./table-rows.js";

/** The elements of one row of the table, recycled from row to row as it scrolls. */
export interface RowCells {
  readonly row: HTMLDivElement;
  readonly pick: HTMLInputElement;
  readonly time: HTMLSpanElement;
  readonly priority: HTMLSpanElement;
  readonly rule: HTMLSpanElement;
  readonly hostname: HTMLSpanElement;
  readonly count: HTMLSpanElement;
  readonly output: HTMLSpanElement;
}

/** A fold of more than one alert: its row opens and closes rather than showing one alert. */
export function isFold(row: TableRow | undefined): boolean {
  return row?.kind === "fold" && (row.fold?.count ?? 0) > 1;
}

/** The alerts a row stands for: a fold's every alert, else its one alert. */
export function rowAlerts(row: TableRow): PageAlert[] {
  const fold = isFold(row) ? row.fold : undefined;
  if (!fold) return [row.alert];
  return Array.from({ length: fold.count }, (_, i) => fold.at(i));
}

/** How a row's alerts are shown: picked or not, the fold counts and window. */
export interface RowContext {
  readonly picked: AlertSelection;
  readonly selected: number;
  readonly foldCounts: FoldCounts | undefined;
  readonly foldWindowMs: number;
}

/** Fills a recycled row with the row at display index `index` (text only). */
export function fillRowCells(
  cells: RowCells,
  row: TableRow,
  index: number,
  context: RowContext,
): void {
  const { alert } = row;
  const fold = isFold(row) ? row.fold : undefined;
  cells.row.hidden = false;
  cells.row.dataset.index = String(index);
  cells.row.dataset.cursor = String(alert.cursor);
  const kind = fold ? " fold" : row.kind === "member" ? " member" : "";
  cells.row.className = `row${kind} p-${alert.priority.toLowerCase()}`;
  cells.row.setAttribute("aria-selected", String(index === context.selected));
  const alerts = rowAlerts(row);
  const n = context.picked.countOf(alerts);
  cells.pick.checked = n > 0 && n === alerts.length;
  cells.pick.indeterminate = n > 0 && n < alerts.length;
  cells.row.classList.toggle("picked", n > 0);
  cells.pick.setAttribute(
    "aria-label",
    fold
      ? `select the ${fold.count} alerts of ${alert.rule} on ${alert.hostname}`
      : `select the alert of ${alert.rule} at ${alert.time}`,
  );
  if (fold) {
    cells.row.setAttribute("aria-expanded", String(fold.expanded));
    const counted = context.foldCounts?.countOf(fold) ?? { count: fold.count, from: "page" };
    cells.row.dataset.count = String(counted.count);
    cells.row.dataset.held = String(fold.count);
    cells.row.dataset.countedBy = counted.from;
    [cells.count.textContent, cells.count.title] = foldCell(fold, counted, context.foldWindowMs);
  } else {
    cells.row.removeAttribute("aria-expanded");
    delete cells.row.dataset.count;
    delete cells.row.dataset.held;
    delete cells.row.dataset.countedBy;
    cells.count.textContent = row.kind === "member" ? "↳" : "";
    cells.count.title = "";
  }
  cells.time.textContent = alert.time.replace("T", " ").slice(0, 23);
  cells.priority.textContent = alert.priority;
  cells.rule.textContent = alert.rule;
  cells.hostname.textContent = alert.hostname;
  cells.output.textContent = alert.output;
  cells.row.title = alert.output;
}

/**
 * Makes a row's elements: a click on its checkbox calls `onPick`, a click elsewhere `onClick`,
 * with the row's display index at the time of the click.
 */
export function makeRowCells(
  onPick: (index: number, e: MouseEvent) => void,
  onClick: (index: number, e: MouseEvent) => void,
): RowCells {
  const row = el("div", "row");
  row.setAttribute("role", "row");
  const cell = (name: string) => {
    const span = el("span", `cell ${name}`);
    span.setAttribute("role", "cell");
    row.append(span);
    return span;
  };
  const pickCell = cell("pick");
  const pick = el("input");
  pick.type = "checkbox";
  pick.tabIndex = -1;
  pickCell.append(pick);
  pick.addEventListener("click", (e) => {
    e.stopPropagation();
    onPick(Number(row.dataset.index), e);
  });
  const cells = {
    row,
    pick,
    time: cell("time"),
    priority: cell("priority"),
    rule: cell("rule"),
    hostname: cell("hostname"),
    count: cell("count"),
    output: cell("output"),
  };
  row.addEventListener("click", (e) => onClick(Number(row.dataset.index), e));
  return cells;
}
