import type { NoiseCombination, NoiseCondition } from "./find-combinations.js";

/**
 * One condition as Falco condition text: `proc.name=bash`, `user.name in (root, www-data)`,
 * `fd.name startswith /etc/`. Values are not quoted: for display only.
 */
export function describeCondition(c: NoiseCondition): string {
  if (c.comp === "=") return `${c.field}=${c.values[0]}`;
  if (c.comp === "in") return `${c.field} in (${c.values.join(", ")})`;
  return `${c.field} startswith ${c.values[0]}`;
}

/**
 * One combination as Falco condition text: its conditions (see {@link describeCondition})
 * joined by ` and `, e.g. `proc.name=bash and user.name=root`. For display: values are not
 * quoted (use {@link renderFalcoException} for text Falco reads back).
 */
export function describeCombination(combination: NoiseCombination): string {
  return combination.conditions.map(describeCondition).join(" and ");
}

/** `41.2%` */
export function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

/** `2026-01-01 00:00:00` (UTC). */
export function utc(date: Date | undefined): string {
  return date ? date.toISOString().slice(0, 19).replace("T", " ") : "-";
}

/** Per-hour rate with sensible precision. */
export function rate(perHour: number): string {
  return perHour >= 100 ? perHour.toFixed(0) : perHour.toFixed(1);
}
