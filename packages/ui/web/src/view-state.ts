// The whole view lives in the URL's query: the filter parameters are the API's own (rule=,
// not.rule=, field.k8s.ns.name=, q=, since=, ...), so a link shares the view and the page passes
// them to every API call as they are.

import { ALERT_PARAM } from "./alert-link.js";
import { FOLD_PARAMS } from "./fold-settings.js";

/** Parameters of the view that are not API filters (the sort, the fold settings). */
const VIEW_ONLY = new Set<string>(["sort", ALERT_PARAM, ...FOLD_PARAMS]);

/** The parameters of a view URL's query that are not filters (kept when the filters change). */
export function viewOnly(search: string): URLSearchParams {
  const params = new URLSearchParams(search);
  for (const key of [...params.keys()]) if (!VIEW_ONLY.has(key)) params.delete(key);
  return params;
}

/** The API filter parameters of a view URL's query. */
export function apiFilters(search: string): URLSearchParams {
  const params = new URLSearchParams(search);
  for (const key of [...params.keys()]) if (VIEW_ONLY.has(key)) params.delete(key);
  return params;
}

/**
 * Reads a search box: `rule:"Terminal shell"`, `proc.name:bash`, `-hostname:ci`, `priority:error`,
 * free words. Known keys map to their parameter, any other `key:value` to `field.key`; a leading
 * `-` negates (`not.`). Returns the parameters to put in the URL.
 */
export function parseSearch(text: string): URLSearchParams {
  const params = new URLSearchParams();
  const known = new Set([
    "rule",
    "hostname",
    "source",
    "tag",
    "priority",
    "minPriority",
    "since",
    "until",
  ]);
  const words: string[] = [];
  const token = /(-?)([\w.[\]]+):(?:"((?:[^"\\]|\\.)*)"|(\S+))|"((?:[^"\\]|\\.)*)"|(\S+)/g;
  for (const m of text.matchAll(token)) {
    if (m[2] !== undefined) {
      const negate = m[1] === "-" && m[2] !== "since" && m[2] !== "until";
      const key = known.has(m[2]) ? m[2] : `field.${m[2]}`;
      params.append(`${negate ? "not." : ""}${key}`, (m[3] ?? m[4] ?? "").replaceAll('\\"', '"'));
    } else words.push(m[5] ?? m[6] ?? "");
  }
  const q = words.filter((w) => w.length > 0).join(" ");
  if (q) params.set("q", q);
  return params;
}

/** The search box text of a view's filters (the inverse of {@link parseSearch}). */
export function formatSearch(params: URLSearchParams): string {
  const parts: string[] = [];
  for (const [key, value] of params) {
    if (VIEW_ONLY.has(key)) continue;
    if (key === "q") {
      parts.push(value);
      continue;
    }
    const negate = key.startsWith("not.");
    const bare = negate ? key.slice(4) : key;
    const name = bare.startsWith("field.") ? bare.slice(6) : bare;
    const quoted = /^[^\s"]+$/.test(value) ? value : `"${value.replaceAll('"', '\\"')}"`;
    parts.push(`${negate ? "-" : ""}${name}:${quoted}`);
  }
  return parts.join(" ");
}
