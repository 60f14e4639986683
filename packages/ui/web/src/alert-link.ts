// The opened alert is part of the view's URL (`alert=<cursor>`), so a link opens the same alert
// at its place in the table: the page loads older pages down to it, scrolls to its row and shows
// its JSON. A change of filters leaves it out (the alert may not match them). An alert the page
// does not hold is read from the store by its cursor and its JSON shown, with a notice.
import { type PageAlert, parseAlertsPage } from "./stored-alert.js";

/** The URL parameter of the opened alert (a view parameter, never sent to the API). */
export const ALERT_PARAM = "alert";

/** The cursor of the alert a view's URL opens, if any. */
export function linkedAlert(search: string): number | undefined {
  const value = new URLSearchParams(search).get(ALERT_PARAM);
  if (value === null || !/^[1-9]\d{0,15}$/.test(value)) return undefined;
  return Number(value);
}

/** Puts the opened alert in the address bar (or takes it out), without a new history entry. */
export function writeAlertLink(cursor: number | undefined): void {
  const params = new URLSearchParams(location.search);
  if (cursor === undefined) params.delete(ALERT_PARAM);
  else params.set(ALERT_PARAM, String(cursor));
  const search = params.toString();
  history.replaceState(null, "", search ? `/?${search}` : "/");
}

/** The alert of a link's cursor as the store has it, and whether it matches the view's filters. */
export type LinkedAlert =
  | { readonly alert: PageAlert; readonly matches: boolean }
  | { readonly alert: undefined; readonly failed: boolean };

/** One alert by cursor: the page of `before=<cursor + 1>&limit=1`, within `filters` or not. */
async function alertAt(cursor: number, filters: URLSearchParams): Promise<PageAlert | undefined> {
  const params = new URLSearchParams(filters);
  params.set("before", String(cursor + 1));
  params.set("limit", "1");
  const res = await fetch(`/api/v1/alerts?${params}`, { credentials: "same-origin" });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const [alert] = parseAlertsPage(await res.text()).alerts;
  return alert?.cursor === cursor ? alert : undefined;
}

/**
 * The alert of a link the page does not hold (older than the alerts it holds, or left out by the
 * view's filters), read from the store by its cursor: first within the filters, then without.
 */
export async function fetchLinkedAlert(
  cursor: number,
  filters: URLSearchParams,
): Promise<LinkedAlert> {
  try {
    const matching = await alertAt(cursor, filters);
    if (matching) return { alert: matching, matches: true };
    const any =
      [...filters.keys()].length > 0 ? await alertAt(cursor, new URLSearchParams()) : undefined;
    return any ? { alert: any, matches: false } : { alert: undefined, failed: false };
  } catch {
    return { alert: undefined, failed: true };
  }
}

/** What the notice says of a linked alert that has no row in the table. */
export function linkedNotice(cursor: number, found: LinkedAlert, held: number): string {
  if (found.alert === undefined)
    return found.failed
      ? `alert #${cursor} of the link could not be read from the store: reload the page to try again`
      : `alert #${cursor} of the link is not in the store (retention may have removed it)`;
  if (!found.matches)
    return `alert #${cursor} of the link does not match this view's filters: its JSON is open; Clear the filters to see its row`;
  return `alert #${cursor} of the link is older than the ${held.toLocaleString()} alerts this page holds: its JSON is open; to see its row among its neighbours, narrow the view with until:${found.alert.time}`;
}
