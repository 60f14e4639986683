import { byId, el } from "./dom.js";
import { durationMs } from "./duration.js";

interface Bucket {
  readonly start: string;
  readonly counts: Record<string, number>;
}

const SLOTS = 60;
const PRIORITIES = [
  "Emergency",
  "Alert",
  "Critical",
  "Error",
  "Warning",
  "Notice",
  "Informational",
  "Debug",
];
/** The range the histogram shows when the view has no `since`. */
export const DEFAULT_RANGE_MS = 86_400_000;

/** The time range of a view: `since`/`until` (RFC 3339 or a duration ago), else the last day. */
export function viewRange(filters: URLSearchParams, now: number): { from: number; to: number } {
  const bound = (text: string | null, fallback: number) => {
    if (!text) return fallback;
    const ago = durationMs(text);
    if (ago !== undefined) return now - ago;
    const t = Date.parse(text);
    return Number.isNaN(t) ? fallback : t;
  };
  const to = bound(filters.get("until"), now);
  const from = bound(filters.get("since"), to - DEFAULT_RANGE_MS);
  return { from, to: Math.max(to, from + SLOTS * 1000) };
}

/**
 * Alerts per time slot, stacked by priority, for the view's filters. Dragging across it sets
 * the view's time range (`since`, `until`); a double click goes back to the last day.
 */
export class TimeHistogram {
  private readonly root = byId("histogram");
  private readonly bars = el("div", "bars");
  private readonly brush = el("div", "brush");
  private readonly label = el("span", "histogram-label");
  private range = { from: 0, to: 1 };
  private dragFrom: number | undefined;
  /** Loads begun: only the last one's answer is drawn (an earlier view's may come after it). */
  private loads = 0;

  constructor(private readonly onRange: (since: string | null, until: string | null) => void) {
    this.brush.hidden = true;
    this.root.setAttribute("role", "figure");
    this.root.setAttribute("aria-label", "alerts over time by priority");
    this.root.append(this.label, this.bars, this.brush);
    this.bars.addEventListener("pointerdown", (e) => {
      this.dragFrom = e.clientX;
      this.bars.setPointerCapture(e.pointerId);
      this.drawBrush(e.clientX, e.clientX);
    });
    this.bars.addEventListener("pointermove", (e) => {
      if (this.dragFrom !== undefined) this.drawBrush(this.dragFrom, e.clientX);
    });
    this.bars.addEventListener("pointerup", (e) => {
      const from = this.dragFrom;
      this.dragFrom = undefined;
      this.brush.hidden = true;
      if (from === undefined || Math.abs(e.clientX - from) < 4) return;
      const [a, b] = [
        this.timeAt(Math.min(from, e.clientX)),
        this.timeAt(Math.max(from, e.clientX)),
      ];
      this.onRange(new Date(a).toISOString(), new Date(b).toISOString());
    });
    this.bars.addEventListener("dblclick", () => this.onRange(null, null));
  }

  async load(filters: URLSearchParams): Promise<void> {
    this.range = viewRange(filters, Date.now());
    const bucketMs =
      Math.max(Math.ceil((this.range.to - this.range.from) / SLOTS / 1000), 1) * 1000;
    const params = new URLSearchParams(filters);
    params.set("since", new Date(this.range.from).toISOString());
    params.set("until", new Date(this.range.to).toISOString());
    params.set("bucket", `${bucketMs / 1000}s`);
    const mine = ++this.loads;
    const res = await fetch(`/api/v1/histogram?${params}`, { credentials: "same-origin" });
    if (!res.ok) return;
    const body = (await res.json()) as { buckets: Bucket[] };
    if (mine === this.loads) this.render(body.buckets, bucketMs);
  }

  private render(buckets: readonly Bucket[], bucketMs: number): void {
    const slots = Array.from({ length: SLOTS }, () => ({}) as Record<string, number>);
    const span = this.range.to - this.range.from;
    for (const b of buckets) {
      const i = Math.floor(((Date.parse(b.start) - this.range.from) / span) * SLOTS);
      const slot = slots[Math.min(Math.max(i, 0), SLOTS - 1)] as Record<string, number>;
      for (const [p, n] of Object.entries(b.counts)) slot[p] = (slot[p] ?? 0) + n;
    }
    const totals = slots.map((s) => Object.values(s).reduce((a, b) => a + b, 0));
    const max = Math.max(...totals, 1);
    const columns = slots.map((slot, i) => {
      const column = el("div", "column");
      const start = new Date(this.range.from + (i * span) / SLOTS);
      column.title = `${start.toISOString().slice(0, 19).replace("T", " ")}: ${totals[i]} alerts`;
      for (const p of PRIORITIES) {
        const n = slot[p];
        if (!n) continue;
        const part = el("span", `p-${p.toLowerCase()}`);
        part.style.height = `${(n / max) * 100}%`;
        column.append(part);
      }
      return column;
    });
    this.bars.replaceChildren(...columns);
    const fmt = (t: number) => new Date(t).toISOString().slice(0, 16).replace("T", " ");
    const per =
      bucketMs >= 60_000 ? `${Math.round(bucketMs / 60_000)} min` : `${bucketMs / 1000} s`;
    this.label.textContent = `${fmt(this.range.from)} → ${fmt(this.range.to)} UTC, ${per} per bar · drag to zoom, double-click: the last day`;
  }

  private timeAt(clientX: number): number {
    const box = this.bars.getBoundingClientRect();
    const x = Math.min(Math.max(clientX - box.left, 0), box.width);
    return this.range.from + (x / box.width) * (this.range.to - this.range.from);
  }

  private drawBrush(a: number, b: number): void {
    const box = this.root.getBoundingClientRect();
    this.brush.hidden = false;
    this.brush.style.left = `${Math.min(a, b) - box.left}px`;
    this.brush.style.width = `${Math.abs(b - a)}px`;
  }
}
