import { isSafeNumber, parse, stringify } from "lossless-json";

// Falco writes 64-bit integers (evt.time, evt.num, ids) into its JSON alerts;
// past 2^53 a JavaScript number rounds them. Integers are kept exact: a safe
// one as a number, a larger one as a bigint. Floats stay numbers.

/** A run of 16+ digits is the only way a JSON text can hold an unsafe integer. */
const LONG_DIGITS = /\d{16}/;

function exactNumber(text: string): number | bigint {
  if (isSafeNumber(text)) return Number(text);
  // isSafeNumber is false for an unsafe integer and for a float that does not
  // round-trip (more digits than a double holds): only the first is exact text.
  return /^-?\d+$/.test(text) ? BigInt(text) : Number(text);
}

/** `JSON.parse`, except integers beyond ±(2^53 - 1) come back as exact `bigint`s. */
export function parseJsonExact(text: string): unknown {
  return LONG_DIGITS.test(text) ? parse(text, null, exactNumber) : JSON.parse(text);
}

function hasBigint(value: unknown): boolean {
  if (typeof value === "bigint") return true;
  if (typeof value !== "object" || value === null) return false;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (hasBigint(item)) return true;
  }
  return false;
}

/** `JSON.stringify` without indentation, writing `bigint`s as the exact JSON integers they are. */
export function stringifyJsonExact(value: unknown): string {
  return hasBigint(value) ? (stringify(value) as string) : JSON.stringify(value);
}
