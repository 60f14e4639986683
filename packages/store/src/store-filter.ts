import { PRIORITIES, type Priority } from "@falco-sdk/core";
import { tagsetsWithAny } from "./tag-sets.js";

/**
 * Which alerts a read, query, facet or histogram covers. Fields combine with AND; the values of
 * one field with OR. Every value is matched exactly, as data (never as a pattern or SQL).
 */
export interface StoreFilter {
  /** Only these priorities. @default every priority */
  readonly priority?: readonly Priority[];
  /** Only this priority and more severe ones. @default every priority */
  readonly minPriority?: Priority;
  /** Only these rules. @default every rule */
  readonly rule?: readonly string[];
  /** Only alerts from these hosts. @default every host */
  readonly hostname?: readonly string[];
  /** Only these sources (`syscall`, `k8s_audit`, a plugin's source). @default every source */
  readonly source?: readonly string[];
  /** Only alerts with at least one of these tags. @default any tags */
  readonly tag?: readonly string[];
  /** Only alerts whose output field has one of the values given, e.g. `{ "k8s.ns.name": ["prod"] }`. @default none */
  readonly fields?: Readonly<Record<string, readonly string[]>>;
  /** Only alerts whose output contains every word of this text (full-text search). @default none */
  readonly text?: string;
  /** Alerts that match this filter are left out (negation). @default none */
  readonly not?: Omit<StoreFilter, "not">;
}

/** The SQL of an output field's value in other rows than `alerts` (the field counts), if any. */
export type FieldSql = (
  field: string,
) => { sql: string; encode: (value: string) => string } | undefined;

/** A `WHERE` clause over `alerts a` and its parameters. */
export interface SqlCondition {
  readonly sql: string;
  readonly params: unknown[];
}

/** Looks a dictionary string up; undefined when no alert ever had it. */
export type DictLookup = (
  kind: "rule" | "hostname" | "source" | "tag",
  value: string,
) => number | undefined;

/**
 * The SQL condition for a filter (and an event-time range), `1` when it has none. `fieldSql`
 * gives the SQL of an output field's value and how a value is stored there when the rows have it
 * (the field counts), undefined to read it from the alert's JSON.
 */
export function filterCondition(
  filter: StoreFilter | undefined,
  lookup: DictLookup,
  range: { sinceNs?: bigint | undefined; untilNs?: bigint | undefined } = {},
  fieldSql: FieldSql = () => undefined,
): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (range.sinceNs !== undefined) {
    parts.push("a.time_ns >= ?");
    params.push(range.sinceNs);
  }
  if (range.untilNs !== undefined) {
    parts.push("a.time_ns < ?");
    params.push(range.untilNs);
  }
  if (filter) addFilter(filter, lookup, parts, params, fieldSql);
  if (filter?.not) {
    const inner: string[] = [];
    addFilter(filter.not, lookup, inner, params, fieldSql);
    if (inner.length > 0) parts.push(`NOT (${inner.join(" AND ")})`);
  }
  return { sql: parts.length === 0 ? "1" : parts.join(" AND "), params };
}

function addFilter(
  filter: Omit<StoreFilter, "not">,
  lookup: DictLookup,
  parts: string[],
  params: unknown[],
  fieldSql: FieldSql,
): void {
  if (filter.priority && filter.priority.length > 0) {
    parts.push(`a.priority IN (${marks(filter.priority.length)})`);
    params.push(...filter.priority.map(priorityIndex));
  }
  if (filter.minPriority !== undefined) {
    parts.push("a.priority <= ?");
    params.push(priorityIndex(filter.minPriority));
  }
  for (const kind of ["rule", "hostname", "source"] as const) {
    const values = filter[kind];
    if (!values || values.length === 0) continue;
    const ids = known(values, kind, lookup);
    parts.push(`a.${kind} IN (${marks(ids.length)})`);
    params.push(...ids);
  }
  if (filter.tag && filter.tag.length > 0) {
    const ids = known(filter.tag, "tag", lookup);
    parts.push(`a.tagset IN (${tagsetsWithAny(ids.length)})`);
    params.push(...ids);
  }
  for (const [field, values] of Object.entries(filter.fields ?? {})) {
    if (values.length === 0) continue;
    const counted = fieldSql(field);
    if (counted !== undefined) {
      parts.push(`${counted.sql} IN (${marks(values.length)})`);
      params.push(...values.map(counted.encode));
      continue;
    }
    parts.push(
      `CAST((SELECT json_extract(j.json, ?) FROM alert_json j WHERE j.seq = a.seq) AS TEXT) IN (${marks(values.length)})`,
    );
    params.push(fieldPath(field), ...values);
  }
  const match = ftsQuery(filter.text);
  if (match !== undefined) {
    parts.push("a.seq IN (SELECT rowid FROM alert_text WHERE alert_text MATCH ?)");
    params.push(match);
  }
}

/** The index of a priority in Falco's order: 0 is Emergency, 7 Debug. */
export function priorityIndex(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/** The JSON path of an output field (names hold dots and brackets, so it is quoted). */
export function fieldPath(field: string): string {
  return `$.output_fields.${JSON.stringify(field)}`;
}

/** Each word of `text` as an FTS5 string (so no character of it is FTS5 syntax), ANDed. */
export function ftsQuery(text: string | undefined): string | undefined {
  const words = (text ?? "").split(/\s+/).filter((w) => w.length > 0);
  if (words.length === 0) return undefined;
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(" ");
}

/** Ids of the values any alert ever had; -1 (matches nothing) when none had. */
function known(
  values: readonly string[],
  kind: Parameters<DictLookup>[0],
  lookup: DictLookup,
): number[] {
  const ids = values.map((v) => lookup(kind, v)).filter((id): id is number => id !== undefined);
  return ids.length > 0 ? ids : [-1];
}

function marks(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}
