import { formatTimeOfDay, PRIORITIES, type Priority } from "@falco-sdk/core";
import { NA } from "@falco-sdk/proto";

/** Falco's priority names, most severe first (index = Falco's number): the core's `PRIORITIES`. */
export const PRIORITY_NAMES = PRIORITIES;

/** A priority name as Falco writes it in output lines: the core's `Priority`. */
export type PriorityName = Priority;

/** Falco's value for a null field in output lines and `output_fields` (`@falco-sdk/proto`'s). */
export { NA };

/** `HH:MM:SS.nnnnnnnnn` (UTC) of an epoch time in nanoseconds, like Falco's `%evt.time`. */
export const formatEventTime: (epochNs: bigint) => string = formatTimeOfDay;

/** Tags as Falco sends them: sorted (byte order) and de-duplicated. */
export function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const PLACEHOLDER = /%([A-Za-z0-9_.]+(?:\[[^\]]*\])?)/g;

/** The field names a rule's output template references (`%proc.name`, `%ka.uri.param[command]`). */
export function templateFields(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/** Replaces each `%field` with its value (`<NA>` when null or missing). */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, string | null | undefined>>,
): string {
  return template.replace(PLACEHOLDER, (_, field: string) => values[field] ?? NA);
}
