import { nsFromRfc3339, PRIORITIES, type Priority, parsePriority } from "@falco-sdk/core";
import type { StoreFilter, TimeBound } from "@falco-sdk/store";
import { BadParameterError } from "./api-errors.js";
import { parseDurationMs } from "./duration.js";

/** The filter and time range of a request, as the store takes them. */
export interface RequestRange {
  readonly filter: StoreFilter | undefined;
  readonly since: TimeBound | undefined;
  readonly until: TimeBound | undefined;
}

const LIST_KEYS = ["rule", "hostname", "source", "tag"] as const;
const PRIORITY_NAMES = PRIORITIES.join(", ");

/**
 * The query parameters of one request: each read at most once through its typed getter, and
 * `rest()` refuses any that no getter read (a typo such as `prority` is a 400, not ignored).
 */
export class RequestParams {
  private readonly used = new Set<string>();

  constructor(private readonly params: URLSearchParams) {}

  /** Every filter and time parameter: `priority`, `minPriority`, `rule`, ..., `field.*`, `not.*`, `since`, `until`. */
  range(nowMs: number): RequestRange {
    const filter = this.filter("");
    const not = this.filter("not.");
    const since = this.time("since", nowMs);
    const until = this.time("until", nowMs);
    const both = not ? { ...(filter ?? {}), not } : filter;
    return { filter: both, since, until };
  }

  /** A whole number in [min, max], or `fallback` when absent. */
  integer(name: string, min: number, max: number, fallback?: number): number | undefined {
    const text = this.single(name);
    if (text === undefined) return fallback;
    return parseInteger(name, text, min, max);
  }

  /** A duration (`90s`, `15m`, `1h`) in milliseconds, at least `minMs`. */
  duration(name: string, minMs: number): number | undefined {
    const text = this.single(name);
    if (text === undefined) return undefined;
    const ms = parseDurationMs(text);
    if (ms === undefined || ms < minMs) {
      throw new BadParameterError(
        name,
        `${name} must be a duration of at least ${minMs / 1000}s such as 30s, 1m, 1h or 1d, got ${quote(text)}`,
      );
    }
    return ms;
  }

  /** Every value of a repeatable parameter, each non-empty. */
  list(name: string): string[] {
    this.used.add(name);
    const values = this.params.getAll(name);
    for (const v of values) {
      if (v === "") throw new BadParameterError(name, `${name} must not be empty`);
    }
    return values;
  }

  /** The value of a parameter given at most once. */
  single(name: string): string | undefined {
    this.used.add(name);
    const values = this.params.getAll(name);
    if (values.length > 1) {
      throw new BadParameterError(name, `${name} may be given once, got it ${values.length} times`);
    }
    return values[0];
  }

  /** Throws for the first parameter no getter read. */
  rest(allowed: string): void {
    for (const name of this.params.keys()) {
      if (this.used.has(name)) continue;
      throw new BadParameterError(
        name,
        `unknown query parameter ${quote(name)}: this route takes ${allowed}`,
      );
    }
  }

  private filter(prefix: string): StoreFilter | undefined {
    const out: {
      priority?: Priority[];
      minPriority?: Priority;
      rule?: string[];
      hostname?: string[];
      source?: string[];
      tag?: string[];
      fields?: Record<string, string[]>;
      text?: string;
    } = {};
    const priority = this.list(`${prefix}priority`).map((v) => priorityOf(`${prefix}priority`, v));
    if (priority.length > 0) out.priority = priority;
    const min = this.single(`${prefix}minPriority`);
    if (min !== undefined) out.minPriority = priorityOf(`${prefix}minPriority`, min);
    for (const key of LIST_KEYS) {
      const values = this.list(`${prefix}${key}`);
      if (values.length > 0) out[key] = values;
    }
    for (const name of new Set(this.params.keys())) {
      if (!name.startsWith(`${prefix}field.`)) continue;
      const field = name.slice(prefix.length + "field.".length);
      if (field === "") {
        throw new BadParameterError(
          name,
          `${name} needs an output field name, e.g. ${prefix}field.k8s.ns.name=prod`,
        );
      }
      out.fields = { ...(out.fields ?? {}), [field]: this.params.getAll(name) };
      this.used.add(name);
    }
    const q = this.single(`${prefix}q`);
    if (q !== undefined && q.trim() !== "") out.text = q;
    return Object.keys(out).length > 0 ? out : undefined;
  }

  private time(name: string, nowMs: number): TimeBound | undefined {
    const text = this.single(name);
    if (text === undefined) return undefined;
    const ago = parseDurationMs(text);
    if (ago !== undefined) return new Date(nowMs - ago);
    const ns = /^\d{4}-\d\d-\d\dT/.test(text) ? nsFromRfc3339(text) : undefined;
    if (ns === undefined) {
      throw new BadParameterError(
        name,
        `${name} must be an RFC 3339 time (2026-12-05T08:00:00Z) or a duration ago (90s, 15m, 24h, 7d), got ${quote(text)}`,
      );
    }
    return ns;
  }
}

/** Parses a cursor (a whole number, 0 or more), naming where it came from when malformed. */
export function parseCursor(name: string, text: string): number {
  return parseInteger(name, text.trim(), 0, Number.MAX_SAFE_INTEGER);
}

function parseInteger(name: string, text: string, min: number, max: number): number {
  const n = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new BadParameterError(
      name,
      `${name} must be a whole number from ${min} to ${max}, got ${quote(text)}`,
    );
  }
  return n;
}

function priorityOf(name: string, value: string): Priority {
  const p = /^\d+$/.test(value) ? undefined : parsePriority(value);
  if (p === undefined) {
    throw new BadParameterError(
      name,
      `${name} must be one of ${PRIORITY_NAMES}, got ${quote(value)}`,
    );
  }
  return p;
}

/** A value quoted for an error message, cut to 80 characters. */
function quote(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}

/** Names of the filter parameters, for messages. */
export const FILTER_PARAMS =
  "priority, minPriority, rule, hostname, source, tag, field.<name>, q (each also with not.), since, until";
