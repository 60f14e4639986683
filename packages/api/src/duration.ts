const UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * Parses a duration such as `90s`, `15m`, `24h`, `7d`, `500ms` (a whole number and a unit)
 * into milliseconds; undefined when it is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d{1,12})(ms|s|m|h|d)$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * (UNITS_MS[match[2] as string] as number);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
