import type { AlertList } from "./alert-list.js";
import { getText } from "./api-text.js";
import { type PageAlert, parseAlertsPage } from "./stored-alert.js";
import { apiFilters } from "./view-state.js";

/** Alerts per page read as the table scrolls down. */
export const PAGE_SIZE = 200;
/** Pages read to reach the alert of an `alert=` link (the API's largest). */
const LINK_PAGE_SIZE = 1000;

/**
 * The store's older alerts of the view, read a page at a time (one load at once) from the
 * cursor where the last page ended, for the table's bottom or down to a linked alert.
 */
export class OlderPages {
  /** The cursor to read before; null when the store has no older alert of the view. */
  next: number | null = null;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly list: AlertList,
    /** Puts a page's alerts at the bottom of the table. */
    private readonly added: (alerts: PageAlert[]) => void,
    /** Where a failed read says why. */
    private readonly notice: HTMLElement,
    /** The view's number: a page read for a view that changed since is thrown away. */
    private readonly generation: () => number,
  ) {}

  /** Loads the next older page (or waits for the one being loaded). */
  load(limit = PAGE_SIZE): Promise<void> {
    if (this.loading || this.next === null || this.list.full)
      return this.loading ?? Promise.resolve();
    this.loading = this.read(limit).finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** Loads older pages until the list holds `cursor` (or is full, or the store has no more). */
  async loadDownTo(cursor: number, mine: number): Promise<void> {
    while (
      mine === this.generation() &&
      this.next !== null &&
      !this.list.full &&
      this.list.oldest > cursor
    ) {
      const before = this.next;
      const another = this.loading !== undefined; // a load begun before (maybe of an older view)
      await this.load(LINK_PAGE_SIZE);
      if (!another && this.next === before) break; // the page failed: its notice says why
    }
  }

  private async read(limit: number): Promise<void> {
    const mine = this.generation();
    const params = apiFilters(location.search);
    params.set("limit", String(limit));
    params.set("before", String(this.next));
    const text = await getText(`/api/v1/alerts?${params}`, this.notice);
    if (text === undefined || mine !== this.generation()) return;
    const page = parseAlertsPage(text);
    this.next = page.next;
    this.added(page.alerts);
  }
}
