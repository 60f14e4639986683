const NS_PER_MS = 1_000_000n;

/** Date (ms precision, truncated) for a nanosecond epoch time. */
export function dateFromNs(timeNs: bigint): Date {
  // Floor division, so that times before 1970 round toward the past too.
  let ms = timeNs / NS_PER_MS;
  if (timeNs % NS_PER_MS < 0n) ms -= 1n;
  return new Date(Number(ms));
}

const RFC3339 =
  /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d{2}:?\d{2})$/;

/**
 * Exact nanoseconds since the epoch from an RFC 3339 time with up to nine
 * fractional digits, as Falco writes `time` ("2022-05-01T23:29:32.918828894Z").
 * Returns undefined for text that is not such a time.
 */
export function nsFromRfc3339(text: string): bigint | undefined {
  const m = RFC3339.exec(text);
  if (!m) return undefined;
  const [, day, clock, frac = "", zone] = m;
  const seconds = Date.parse(`${day}T${clock}${zone === "z" ? "Z" : zone}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds) * NS_PER_MS + BigInt(frac.padEnd(9, "0"));
}

/** RFC 3339 with nine fractional digits, in UTC: Falco's own `time` format. */
export function rfc3339FromNs(timeNs: bigint): string {
  const date = dateFromNs(timeNs);
  let frac = timeNs % 1_000_000_000n;
  if (frac < 0n) frac += 1_000_000_000n;
  return `${date.toISOString().slice(0, 19)}.${frac.toString().padStart(9, "0")}Z`;
}
