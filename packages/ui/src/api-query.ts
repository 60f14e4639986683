import { nsFromRfc3339, type Priority, parsePriority } from "@falco-sdk/core";
import type { StoreFilter, TimeRangeOptions } from "@falco-sdk/store";

/** A query parameter the API refuses: answered 400 `bad-parameter`. */
export class BadParameterError extends Error {
  readonly code = "bad-parameter";
}

const LISTS = ["rule", "hostname", "source", "tag"] as const;
const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of `90s`, `15m`, `24h`, `7d`; undefined when `text` is not a duration. */
export function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  return m ? Number(m[1]) * (UNIT_MS[m[2] as string] as number) : undefined;
}

function priorities(name: string, values: string[]): Priority[] {
  return values.map((v) => {
    const p = parsePriority(v);
    if (p === undefined)
      throw new BadParameterError(`${name}=${v} is not a Falco priority (e.g. warning, critical)`);
    return p;
  });
}

function filterOf(params: URLSearchParams, prefix: string): Omit<StoreFilter, "not"> {
  const filter: {
    -readonly [K in keyof StoreFilter]?: StoreFilter[K];
  } = {};
  const p = params.getAll(`${prefix}priority`);
  if (p.length > 0) filter.priority = priorities(`${prefix}priority`, p);
  const min = params.get(`${prefix}minPriority`);
  if (min !== null) filter.minPriority = priorities(`${prefix}minPriority`, [min])[0] as Priority;
  for (const key of LISTS) {
    const values = params.getAll(`${prefix}${key}`);
    if (values.length > 0) filter[key] = values;
  }
  const fields: Record<string, string[]> = {};
  for (const [key, value] of params) {
    if (!key.startsWith(`${prefix}field.`)) continue;
    const name = key.slice(prefix.length + "field.".length);
    if (name.length === 0)
      throw new BadParameterError(`${key} needs a field name, e.g. field.proc.name`);
    const list = fields[name] ?? [];
    list.push(value);
    fields[name] = list;
  }
  if (Object.keys(fields).length > 0) filter.fields = fields;
  const q = params.getAll(`${prefix}q`).join(" ").trim();
  if (q.length > 0) filter.text = q;
  return filter;
}

/** The store filter of the API's filter parameters (`rule`, `not.rule`, `field.x`, `q`, ...). */
export function storeFilterOf(params: URLSearchParams): StoreFilter {
  const not = filterOf(params, "not.");
  const filter = filterOf(params, "");
  return Object.keys(not).length > 0 ? { ...filter, not } : filter;
}

function timeBound(name: string, text: string, now: number): bigint {
  const ms = durationMs(text);
  if (ms !== undefined) return BigInt(now - ms) * 1_000_000n;
  const ns = nsFromRfc3339(text);
  if (ns === undefined)
    throw new BadParameterError(
      `${name}=${text} is neither RFC 3339 (2026-12-05T08:00:00Z) nor a duration ago (90s, 15m, 24h, 7d)`,
    );
  return ns;
}

/** The time range and filter of a request's parameters. */
export function timeRangeOf(params: URLSearchParams, now = Date.now()): TimeRangeOptions {
  const since = params.get("since");
  const until = params.get("until");
  return {
    filter: storeFilterOf(params),
    ...(since !== null && since !== "" && { since: timeBound("since", since, now) }),
    ...(until !== null && until !== "" && { until: timeBound("until", until, now) }),
  };
}

/** A non-negative integer parameter, or `fallback` when absent. */
export function integerParam(params: URLSearchParams, name: string, fallback?: number) {
  const text = params.get(name);
  if (text === null || text === "") return fallback;
  if (!/^\d{1,15}$/.test(text))
    throw new BadParameterError(`${name}=${text} must be a non-negative integer`);
  return Number(text);
}
