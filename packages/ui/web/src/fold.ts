// Repeated alerts folded into one row: the same rule, host and chosen output fields within the
// same time window ("×120 in 5 min"). Windows are fixed slots of the alert's own time
// (floor(time / window)), so a fold does not depend on the order alerts arrive in (live on top,
// older pages at the bottom) and a link shows the same folds. The folds mirror the AlertList (fed
// by its changes), so they hold no alert it does not hold: they are bounded like it.
import { JsonNumber, JsonObject, parseLossless } from "./lossless-json.js";
import type { PageAlert } from "./stored-alert.js";

/** A row of the folded table: a fold (its newest alert stands for it) or one of its alerts. */
export interface FoldRow {
  readonly fold: Fold;
  readonly alert: PageAlert;
  /** "fold": the fold's row; "member": one of its raw alerts, under the fold when expanded. */
  readonly kind: "fold" | "member";
}

/** Milliseconds since the epoch of an RFC 3339 time (nanoseconds cut to milliseconds); NaN if unreadable. */
export function alertTimeMs(time: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/i.exec(time);
  if (!m) return Number.NaN;
  const ms = (m[2] ?? "").padEnd(3, "0").slice(0, 3);
  return Date.parse(`${m[1]}.${ms}${m[3]}`);
}

/** The key text of an output field's value, exact: a missing field, JSON null and "null" differ. */
function fieldKey(fields: JsonObject | undefined, name: string): string | null {
  const v = fields?.get(name);
  if (v === undefined) return null;
  if (v === null) return "z";
  if (typeof v === "string") return `s${v}`;
  if (v instanceof JsonNumber) return `n${v.raw}`;
  return `j${JSON.stringify(v)}`;
}

/**
 * The key texts of output fields. JSON.parse first (several times faster than the lossless
 * reader); the lossless reader when a value is a number JSON.parse may round (beyond 2^53, or
 * not an integer) or not a string, number or null, so that 18446744073709551615 and
 * 18446744073709551614 stay apart and a value keys the same whichever reader read it.
 */
function fieldKeys(json: string, names: readonly string[]): (string | null)[] {
  const doc: unknown = JSON.parse(json);
  const of = (doc as { output_fields?: unknown } | null)?.output_fields;
  const fields = typeof of === "object" && of !== null ? (of as Record<string, unknown>) : {};
  const keys: (string | null)[] = [];
  for (const name of names) {
    const v = Object.hasOwn(fields, name) ? fields[name] : undefined;
    if (v === undefined) keys.push(null);
    else if (v === null) keys.push("z");
    else if (typeof v === "string") keys.push(`s${v}`);
    else if (typeof v === "number" && Number.isSafeInteger(v)) keys.push(`n${v}`);
    else return exactFieldKeys(json, names);
  }
  return keys;
}

function exactFieldKeys(json: string, names: readonly string[]): (string | null)[] {
  const doc = parseLossless(json);
  const of = doc instanceof JsonObject ? doc.get("output_fields") : undefined;
  const fields = of instanceof JsonObject ? of : undefined;
  return names.map((n) => fieldKey(fields, n));
}

/**
 * The fold key of an alert: rule, host, the chosen output fields' values and the time window.
 * An alert whose time cannot be read folds with nothing (its cursor is its window).
 */
export function foldKey(alert: PageAlert, fields: readonly string[], windowMs: number): string {
  const t = alertTimeMs(alert.time);
  const slot = Number.isFinite(t) ? Math.floor(t / windowMs) : `#${alert.cursor}`;
  const values = fields.length > 0 ? fieldKeys(alert.json, fields) : [];
  return JSON.stringify([alert.rule, alert.hostname, slot, values]);
}

/** "45 s", "4 min", "2.1 h", "3.0 d": a fold's span, short enough for its column. */
export function formatSpan(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}

/** The alerts of one fold, oldest first by cursor; newer ones join at the end, older at the front. */
export class Fold {
  /** Older alerts, the oldest last (pushed by older pages). */
  private readonly front: PageAlert[] = [];
  /** Newer alerts from `head` on, the newest last (pushed by the live stream). */
  private back: PageAlert[] = [];
  private head = 0;
  /** Its raw alerts are shown under it. */
  expanded = false;
  /** The row that stands for the fold (the same object while the fold lives). */
  readonly row: { fold: Fold; alert: PageAlert; kind: "fold" };

  constructor(
    readonly key: string,
    first: PageAlert,
  ) {
    this.back.push(first);
    this.row = { fold: this, alert: first, kind: "fold" };
  }

  get count(): number {
    return this.front.length + this.back.length - this.head;
  }

  /** The i-th alert, oldest first. */
  at(i: number): PageAlert {
    return (
      i < this.front.length
        ? this.front[this.front.length - 1 - i]
        : this.back[this.head + i - this.front.length]
    ) as PageAlert;
  }

  get newest(): PageAlert {
    return this.at(this.count - 1);
  }

  get oldest(): PageAlert {
    return this.at(0);
  }

  /** From its oldest to its newest alert's time. */
  get spanMs(): number {
    const span = alertTimeMs(this.newest.time) - alertTimeMs(this.oldest.time);
    return Number.isFinite(span) ? Math.abs(span) : 0;
  }

  pushNewer(alert: PageAlert): void {
    this.back.push(alert);
    this.row.alert = alert;
  }

  pushOlder(alert: PageAlert): void {
    this.front.push(alert);
  }

  /** Removes its oldest alert (the list dropped it). */
  dropOldest(): void {
    if (this.front.length > 0) this.front.pop();
    else if (this.head < this.back.length) {
      this.back[this.head++] = undefined as unknown as PageAlert;
      if (this.head > 1024 && this.head * 2 > this.back.length) {
        this.back = this.back.slice(this.head);
        this.head = 0;
      }
    }
    if (this.count > 0) this.row.alert = this.newest;
  }
}
