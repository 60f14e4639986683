// The exception of the current filter, as a form like the selection's: the filter's rule, and
// for each host and output-field value it keeps, `=` (one value) or `in` (several), or
// `startswith` a prefix (their common directory for a path, their common prefix otherwise),
// which can be edited. So a prefix exception can be made from the filter as from picked alerts.
import { commonDirectory, type FieldChoice, isPathField } from "./selection-exception.js";

/** The filter parameters a Falco exception can hold (the rule, the host, output fields), and the rest. */
export function exceptionParams(filters: URLSearchParams): {
  params: URLSearchParams;
  left: string[];
} {
  const params = new URLSearchParams();
  const left: string[] = [];
  for (const [key, value] of filters) {
    if (key === "rule" || key === "hostname" || key.startsWith("field.")) params.append(key, value);
    else if (key !== "since" && key !== "until") left.push(`${key}=${value}`);
  }
  return { params, left };
}

/** The longest text every value starts with (undefined when it is empty). */
function commonPrefix(values: readonly string[]): string | undefined {
  let prefix = values[0] ?? "";
  for (const v of values) {
    let i = 0;
    while (i < prefix.length && i < v.length && prefix[i] === v[i]) i++;
    prefix = prefix.slice(0, i);
  }
  return prefix === "" ? undefined : prefix;
}

/** The fields of a filter's exception: every value the filter keeps, each checked. */
export function filterChoices(params: URLSearchParams): FieldChoice[] {
  const byField = new Map<string, string[]>();
  for (const [key, value] of params) {
    if (key === "rule") continue;
    const field = key === "hostname" ? "evt.hostname" : key.slice("field.".length);
    byField.set(field, [...(byField.get(field) ?? []), value]);
  }
  return [...byField].map(([field, all]) => {
    const values = [...new Set(all)].sort();
    const prefix = (isPathField(field) && commonDirectory(values)) || commonPrefix(values);
    return { field, values, exact: values.length === 1 ? "=" : "in", prefix, suggested: true };
  });
}
