import { cellText, JsonNumber, type JsonObject, parseLossless } from "./lossless-json.js";

/** An alert of the page: its cursor, the exact JSON text the API sent, and what the table shows. */
export interface PageAlert {
  readonly cursor: number;
  /** The Falco JSON exactly as received (big integers exact). */
  readonly json: string;
  readonly time: string;
  readonly priority: string;
  readonly rule: string;
  readonly hostname: string;
  readonly source: string;
  readonly output: string;
  readonly tags: readonly string[];
}

/** The alert of one JSON text (an SSE `data:` line, or a span of a page). */
export function pageAlert(cursor: number, json: string, doc?: JsonObject): PageAlert {
  const parsed = doc ?? parseLossless(json);
  if (
    Array.isArray(parsed) ||
    parsed === null ||
    typeof parsed !== "object" ||
    parsed instanceof JsonNumber
  )
    throw new TypeError("an alert is a JSON object");
  const o = parsed as JsonObject;
  const tags = o.get("tags");
  return {
    cursor,
    json,
    time: cellText(o.get("time")),
    priority: cellText(o.get("priority")),
    rule: cellText(o.get("rule")),
    hostname: cellText(o.get("hostname")),
    source: cellText(o.get("source")),
    output: cellText(o.get("output")),
    tags: Array.isArray(tags) ? tags.map((t) => cellText(t)) : [],
  };
}

/** A page of `/api/v1/alerts`: its alerts (newest first) and the `before` of the next page. */
export function parseAlertsPage(text: string): { alerts: PageAlert[]; next: number | null } {
  const doc = parseLossless(text) as JsonObject;
  const list = doc.get("alerts");
  const next = doc.get("next");
  const alerts = (Array.isArray(list) ? list : []).map((entry) => {
    const e = entry as JsonObject;
    const alert = e.get("alert") as JsonObject;
    const cursor = Number((e.get("cursor") as JsonNumber).raw);
    return pageAlert(cursor, text.slice(alert.start, alert.end), alert);
  });
  return { alerts, next: next instanceof JsonNumber ? Number(next.raw) : null };
}
