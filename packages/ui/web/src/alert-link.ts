// The opened alert is part of the view's URL (`alert=<cursor>`), so a link opens the same alert
// at its place in the table: the page loads older pages down to it, scrolls to its row and shows
// its JSON. A change of filters leaves it out (the alert may not match them).

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
