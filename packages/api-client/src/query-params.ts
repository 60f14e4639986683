import type { ApiFilter, ApiRangeOptions, ApiTime } from "./client-options.js";

function addFilter(params: URLSearchParams, filter: Omit<ApiFilter, "not">, prefix: string): void {
  for (const priority of filter.priority ?? []) params.append(`${prefix}priority`, priority);
  if (filter.minPriority !== undefined) params.append(`${prefix}minPriority`, filter.minPriority);
  for (const key of ["rule", "hostname", "source", "tag"] as const) {
    for (const value of filter[key] ?? []) params.append(`${prefix}${key}`, value);
  }
  for (const [field, values] of Object.entries(filter.fields ?? {})) {
    for (const value of values) params.append(`${prefix}field.${field}`, value);
  }
  if (filter.text !== undefined && filter.text !== "") params.append(`${prefix}q`, filter.text);
}

/** The query parameters of a filter (`priority`, `rule`, `field.<name>`, `q`, `not.*`, ...). */
export function filterParams(
  filter: ApiFilter | undefined,
  params = new URLSearchParams(),
): URLSearchParams {
  if (!filter) return params;
  addFilter(params, filter, "");
  if (filter.not) addFilter(params, filter.not, "not.");
  return params;
}

/** A time bound as the server reads it: RFC 3339 for a Date, a string as given. */
export function timeParam(time: ApiTime): string {
  return time instanceof Date ? time.toISOString() : time;
}

/** The parameters of a time range and its filter. */
export function rangeParams(options: ApiRangeOptions): URLSearchParams {
  const params = filterParams(options.filter);
  if (options.since !== undefined) params.set("since", timeParam(options.since));
  if (options.until !== undefined) params.set("until", timeParam(options.until));
  return params;
}
