/**
 * Falco's eight priorities, most severe first, as Falco names them in JSON
 * output and in rules (case-insensitively).
 */
export const PRIORITIES = [
  "Emergency",
  "Alert",
  "Critical",
  "Error",
  "Warning",
  "Notice",
  "Informational",
  "Debug",
] as const;

/** A priority name as Falco writes it: `"Warning"`, `"Critical"`, ... */
export type Priority = (typeof PRIORITIES)[number];

const byLowerName = new Map<string, Priority>(PRIORITIES.map((p) => [p.toLowerCase(), p]));
byLowerName.set("info", "Informational");

/**
 * Parses a priority name in any case (`"WARNING"`, `"warning"`, `"Warning"`;
 * `"info"` for Informational), or Falco's number (0 = Emergency .. 7 = Debug).
 * Returns undefined for anything else.
 */
export function parsePriority(value: string | number): Priority | undefined {
  if (typeof value === "number") return PRIORITIES[value];
  return byLowerName.get(value.trim().toLowerCase());
}

/** Falco's number for a priority: 0 (Emergency) .. 7 (Debug). */
export function priorityLevel(priority: Priority): number {
  return PRIORITIES.indexOf(priority);
}

/**
 * Orders priorities from most to least severe, for `Array.prototype.sort`:
 * negative when `a` is more severe than `b`.
 */
export function comparePriority(a: Priority, b: Priority): number {
  return priorityLevel(a) - priorityLevel(b);
}

/** True when `priority` is `minimum` or more severe (Falco's `priority:` setting). */
export function isAtLeast(priority: Priority, minimum: Priority): boolean {
  return priorityLevel(priority) <= priorityLevel(minimum);
}
