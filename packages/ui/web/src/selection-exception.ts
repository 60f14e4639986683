// A Falco rule exception made from alerts picked in the table: the fields whose values the
// picked alerts share (`=`), those with a few distinct values among them (`in`), and for a
// path-like field their common directory (`startswith`, when the user picks it).

import { JsonNumber, type JsonObject, parseLossless } from "./lossless-json.js";
import type { PageAlert } from "./stored-alert.js";

/** Distinct values a field may have among the picked alerts to be offered as an `in` list. */
export const MAX_IN_VALUES = 5;

/** Fields whose values are paths: `startswith` a directory is offered for them. */
const PATH_FIELDS = new Set([
  "fd.name",
  "fd.directory",
  "fd.nameraw",
  "proc.exepath",
  "proc.exe",
  "proc.cwd",
  "proc.pexepath",
  "evt.arg.path",
]);

export function isPathField(field: string): boolean {
  return PATH_FIELDS.has(field) || field.startsWith("fs.path.");
}

/**
 * Fields checked when the panel opens (who did it, where, on what): a pid or a container id is
 * shared by one alert's selection but would make an exception that never matches again.
 */
const SUGGESTED = new Set([
  "evt.hostname",
  "k8s.ns.name",
  "container.image.repository",
  "proc.name",
  "proc.exepath",
  "proc.pname",
  "user.name",
  "fd.name",
  "fd.directory",
]);

/** How Falco writes a field that has no value. */
const NO_VALUE = "<NA>";

/**
 * The output fields of an alert as text: strings as they are, integers as their digits (within
 * 64 bits, as the store compares them); no value (null, `<NA>`, empty) and anything else left out.
 */
export function fieldTexts(alert: PageAlert): Map<string, string> {
  const out = new Map<string, string>();
  const doc = parseLossless(alert.json) as JsonObject;
  const fields = doc.get("output_fields");
  if (
    !fields ||
    typeof fields !== "object" ||
    Array.isArray(fields) ||
    fields instanceof JsonNumber
  )
    return out;
  for (const [field, value] of (fields as JsonObject).entries) {
    if (typeof value === "string") {
      if (value !== "" && value !== NO_VALUE) out.set(field, value);
    } else if (value instanceof JsonNumber && /^-?\d{1,18}$/.test(value.raw)) {
      out.set(field, value.raw);
    }
  }
  return out;
}

/** The picked alerts by rule, the rule with most alerts first. */
export function byRule(alerts: readonly PageAlert[]): [string, PageAlert[]][] {
  const rules = new Map<string, PageAlert[]>();
  for (const a of alerts) {
    const list = rules.get(a.rule);
    if (list) list.push(a);
    else rules.set(a.rule, [a]);
  }
  return [...rules].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
}

/** The longest directory (ending in `/`, not `/` alone) every value starts with. */
export function commonDirectory(values: readonly string[]): string | undefined {
  if (values.length === 0) return undefined;
  let prefix = values[0] as string;
  for (const v of values) {
    let i = 0;
    while (i < prefix.length && i < v.length && prefix[i] === v[i]) i++;
    prefix = prefix.slice(0, i);
  }
  const cut = prefix.lastIndexOf("/");
  return cut > 0 ? prefix.slice(0, cut + 1) : undefined;
}

/** A field the picked alerts all have: its distinct values, and what the panel offers for it. */
export interface FieldChoice {
  readonly field: string;
  /** Distinct values, sorted. */
  readonly values: readonly string[];
  /** `=` for one value, `in` for a few, undefined when only `startswith` is offered. */
  readonly exact: "=" | "in" | undefined;
  /** The common directory of a path-like field's values, offered as `startswith`. */
  readonly prefix: string | undefined;
  /** Checked when the panel opens. */
  readonly suggested: boolean;
}

/** What the picked alerts of one rule offer: fields to choose, and fields left out and why. */
export interface SelectionChoices {
  readonly rule: string;
  readonly count: number;
  readonly choices: readonly FieldChoice[];
  /** Fields every alert has, with too many distinct values (and no common directory). */
  readonly varying: readonly { readonly field: string; readonly distinct: number }[];
}

/** The choices for an exception from alerts of one rule (the host is `evt.hostname`). */
export function selectionChoices(rule: string, alerts: readonly PageAlert[]): SelectionChoices {
  const values = new Map<string, Set<string>>();
  const add = (field: string, value: string) => {
    const set = values.get(field);
    if (set) set.add(value);
    else values.set(field, new Set([value]));
  };
  let shared: Set<string> | undefined;
  for (const alert of alerts) {
    const fields = fieldTexts(alert);
    if (alert.hostname !== "") fields.set("evt.hostname", alert.hostname);
    for (const [f, v] of fields) add(f, v);
    shared = shared ? new Set([...shared].filter((f) => fields.has(f))) : new Set(fields.keys());
  }
  const choices: FieldChoice[] = [];
  const varying: { field: string; distinct: number }[] = [];
  for (const field of [...(shared ?? [])].sort()) {
    const distinct = [...(values.get(field) as Set<string>)].sort();
    const exact = distinct.length === 1 ? "=" : distinct.length <= MAX_IN_VALUES ? "in" : undefined;
    const prefix = isPathField(field) ? commonDirectory(distinct) : undefined;
    if (exact === undefined && prefix === undefined) {
      varying.push({ field, distinct: distinct.length });
      continue;
    }
    choices.push({ field, values: distinct, exact, prefix, suggested: SUGGESTED.has(field) });
  }
  // The host first, then the fields as sorted.
  choices.sort((a, b) => Number(b.field === "evt.hostname") - Number(a.field === "evt.hostname"));
  return { rule, count: alerts.length, choices, varying };
}

/** One condition as picked in the panel. */
export type PickedCondition =
  | { readonly field: string; readonly comp: "=" | "in"; readonly values: readonly string[] }
  | { readonly field: string; readonly comp: "startswith"; readonly prefix: string };

/** The preview's query (`GET /api/ui/exception-preview`) for a rule and the picked conditions. */
export function selectionParams(rule: string, picked: readonly PickedCondition[]): URLSearchParams {
  const params = new URLSearchParams();
  params.set("rule", rule);
  for (const c of picked) {
    if (c.comp === "startswith") params.set(`startswith.${c.field}`, c.prefix);
    else {
      const key = c.field === "evt.hostname" ? "hostname" : `field.${c.field}`;
      for (const v of c.values) params.append(key, v);
    }
  }
  return params;
}
