// A fold's count from the store, not only from the alerts the page holds: a fold at the bottom
// of the held alerts (older pages not loaded yet, or beyond the 100,000 held) has more alerts in
// the store than rows here. For each fold drawn, the page asks `/api/v1/facets` for the alerts of
// the view's filters with the fold's rule, host, field values and time window; the answer's
// `lastCursor` says which alerts it covers, and the alerts of the fold the stream brought after
// it are added, so no alert is counted twice or missed while alerts arrive.
import { durationMs } from "./duration.js";
import { type Fold, formatSpan } from "./fold.js";
import type { FoldSettings } from "./fold-settings.js";

/** What the table shows for a fold. */
export interface FoldCount {
  /** Alerts of the fold: in the store (`store`), or those the page holds (`page`). */
  readonly count: number;
  readonly from: "store" | "page";
  /** Why the store cannot count it (`from` is `page`), when it cannot. */
  readonly why?: string;
}

/** Answers in flight at once (the rows in view ask together). */
const PARALLEL = 4;
/** Folds waiting for a request; older asks are forgotten (asked again when drawn again). */
const MAX_WAITING = 200;

type Known = { count: number; lastCursor: number } | { why: string } | "asked";

/** The `field.<name>` value of a fold's key part, undefined when the store cannot match it. */
function storeValue(key: string | null): string | undefined {
  if (key === null || key === "z") return undefined; // no value: the store's filter cannot say "absent"
  if (key.startsWith("s")) return key.slice(1);
  if (key.startsWith("n") && /^-?\d{1,18}$/.test(key.slice(1))) return key.slice(1);
  return undefined;
}

/** The time of a view's `since`/`until` (a duration ago or an RFC 3339 time) in ms, floored. */
function boundMs(text: string | null): number | undefined {
  if (text === null) return undefined;
  const ago = durationMs(text);
  if (ago !== undefined) return Date.now() - ago;
  const ms = Date.parse(text.replace(/(\.\d{3})\d+/, "$1"));
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The facets query of a fold: the view's filters, its rule, host and field values, and the
 * intersection of the view's time range with the fold's window. Undefined (and why) when a key
 * part cannot be a store filter (a field without a value, a float, an unreadable time).
 */
export function foldQuery(
  fold: Fold,
  fields: readonly string[],
  windowMs: number,
  filters: URLSearchParams,
): URLSearchParams | { why: string } {
  const [rule, hostname, slot, values] = JSON.parse(fold.key) as [
    string,
    string,
    number | string,
    (string | null)[],
  ];
  if (typeof slot !== "number") return { why: "its alert's time cannot be read" };
  const params = new URLSearchParams(filters);
  params.set("rule", rule);
  params.set("hostname", hostname);
  for (const [i, field] of fields.entries()) {
    const value = storeValue(values[i] ?? null);
    if (value === undefined)
      return { why: `the store's filter cannot match its ${field} (no value, or not text)` };
    params.set(`field.${field}`, value);
  }
  // The view's bound when it is inside the window (an integer ms below the window's start
  // means the exact bound is too: the comparison is safe with nanosecond bounds).
  const start = slot * windowMs;
  const end = start + windowMs;
  const since = boundMs(filters.get("since"));
  const until = boundMs(filters.get("until"));
  const sinceText = filters.get("since") ?? "";
  const untilText = filters.get("until") ?? "";
  const exact = (text: string, ms: number) =>
    durationMs(text) === undefined ? text : new Date(ms).toISOString();
  params.set(
    "since",
    since !== undefined && since >= start ? exact(sinceText, since) : new Date(start).toISOString(),
  );
  params.set(
    "until",
    until !== undefined && until < end ? exact(untilText, until) : new Date(end).toISOString(),
  );
  params.set("limit", "1");
  return params;
}

/** The store's counts of the folds drawn, asked once per fold per view and kept. */
export class FoldCounts {
  private known = new Map<string, Known>();
  private waiting = new Map<string, URLSearchParams>();
  private running = 0;
  private generation = 0;
  private filters = new URLSearchParams();
  private settings: FoldSettings | undefined;

  /** `onAnswer`: a count came in (draw the table again). */
  constructor(private readonly onAnswer: () => void) {}

  /** A new view or new fold settings: every count is asked again. */
  reset(filters: URLSearchParams, settings: FoldSettings): void {
    this.generation++;
    this.known = new Map();
    this.waiting = new Map();
    this.filters = new URLSearchParams(filters);
    this.settings = settings;
  }

  /** The count to show for a fold, asking the store for it the first time. */
  countOf(fold: Fold): FoldCount {
    if (!this.known.has(fold.key)) this.ask(fold);
    const known = this.known.get(fold.key);
    if (known === undefined || known === "asked") return { count: fold.count, from: "page" };
    if ("why" in known) return { count: fold.count, from: "page", why: known.why };
    // The fold's alerts the stream brought after the store's answer (its newest, by cursor).
    let newer = 0;
    for (let i = fold.count - 1; i >= 0 && fold.at(i).cursor > known.lastCursor; i--) newer++;
    // At least the rows it opens to (retention may have removed some from the store since).
    return { count: Math.max(known.count + newer, fold.count), from: "store" };
  }

  private ask(fold: Fold): void {
    const settings = this.settings;
    if (!settings) return;
    const query = foldQuery(fold, settings.fields, settings.windowMs, this.filters);
    if (!(query instanceof URLSearchParams)) {
      this.known.set(fold.key, query);
      return;
    }
    this.known.set(fold.key, "asked");
    this.waiting.set(fold.key, query);
    if (this.waiting.size > MAX_WAITING) {
      const [oldest] = this.waiting.keys();
      if (oldest !== undefined) {
        this.waiting.delete(oldest);
        this.known.delete(oldest);
      }
    }
    this.pump();
  }

  private pump(): void {
    while (this.running < PARALLEL && this.waiting.size > 0) {
      const [key, query] = [...this.waiting][this.waiting.size - 1] as [string, URLSearchParams];
      this.waiting.delete(key);
      this.running++;
      void this.load(key, query, this.generation).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async load(key: string, query: URLSearchParams, mine: number): Promise<void> {
    let answer: Known;
    try {
      const res = await fetch(`/api/v1/facets?${query}`, { credentials: "same-origin" });
      const body = (await res.json()) as { total?: unknown; lastCursor?: unknown };
      answer =
        res.ok && typeof body.total === "number" && typeof body.lastCursor === "number"
          ? { count: body.total, lastCursor: body.lastCursor }
          : { why: `the store did not answer (HTTP ${res.status})` };
    } catch {
      answer = { why: "the store did not answer (network)" };
    }
    if (mine !== this.generation) return;
    this.known.set(key, answer);
    this.onAnswer();
  }
}

/** The Repeats cell of a fold: `▸ ×120 in 5 min`, and its tooltip saying what it counts. */
export function foldCell(fold: Fold, counted: FoldCount, windowMs: number): [string, string] {
  const held = fold.count;
  const n = counted.count;
  const span = `${(fold.spanMs / 1000).toLocaleString()} s`;
  const shown = `from ${fold.oldest.time} to ${fold.newest.time} (${span})`;
  const sign = fold.expanded ? "▾" : "▸";
  if (n > held)
    return [
      `${sign} ×${n.toLocaleString()} within ${formatSpan(windowMs)}`,
      `${n.toLocaleString()} alerts in the store in this ${formatSpan(windowMs)} window; this page holds ${held.toLocaleString()} of them, ${shown}: Enter or a click shows those, filter on the rule, host and window to see every one`,
    ];
  const what =
    counted.from === "store"
      ? "alerts, every one of the store's in this window"
      : `alerts this page holds${counted.why ? ` (the store cannot count this fold: ${counted.why})` : " (the store's count is on its way)"}`;
  return [
    `${sign} ×${n.toLocaleString()} in ${formatSpan(fold.spanMs)}`,
    `${n.toLocaleString()} ${what}, ${shown}; Enter or a click shows them`,
  ];
}
