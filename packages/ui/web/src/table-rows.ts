import type { AlertList } from "./alert-list.js";
import type { Fold } from "./fold.js";
import type { PageAlert } from "./stored-alert.js";

/** A row of the table: one alert, a fold of repeated alerts, or one raw alert of an open fold. */
export interface TableRow {
  readonly alert: PageAlert;
  readonly kind: "alert" | "fold" | "member";
  readonly fold?: Fold;
}

/** What the table shows, by display index (`ascending`: oldest first). */
export interface TableRows {
  rowCount(ascending: boolean): number;
  row(index: number, ascending: boolean): TableRow | undefined;
  /** The display index of a row shown before a change; -1 when it is gone. */
  indexOf(row: TableRow, ascending: boolean): number;
  /** Shows or hides a fold's raw alerts (when the rows have folds). */
  setExpanded?(fold: Fold, expanded: boolean): void;
}

/** The list's alerts, one row each (folding off). */
export function listRows(list: AlertList): TableRows {
  const at = (index: number, ascending: boolean) =>
    list.at(ascending ? list.length - 1 - index : index);
  return {
    rowCount: () => list.length,
    row: (index, ascending) => {
      const alert = at(index, ascending);
      return alert && { alert, kind: "alert" };
    },
    // Newest first by cursor: a binary search.
    indexOf: (row, ascending) => {
      let lo = 0;
      let hi = list.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const c = (list.at(mid) as PageAlert).cursor;
        if (c === row.alert.cursor) return ascending ? list.length - 1 - mid : mid;
        if (c > row.alert.cursor) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    },
  };
}
