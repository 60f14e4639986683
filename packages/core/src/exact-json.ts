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

/** A run of 16+ digits that may be a number (possibly a float's start). */
const LONG_NUMBER = /-?\d{16,}(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** A JSON integer (no leading zero). */
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

/**
 * The text with each unsafe integer outside strings replaced by the string `"\u0000<i>"`,
 * and the integers, in order. One pass over the text keeps track of strings.
 */
function markUnsafeIntegers(text: string): { marked: string; bigints: bigint[] } {
  const bigints: bigint[] = [];
  let marked = "";
  let copied = 0;
  let inString = false;
  let pos = 0;
  LONG_NUMBER.lastIndex = 0;
  for (let match = LONG_NUMBER.exec(text); match; match = LONG_NUMBER.exec(text)) {
    for (; pos < match.index; pos++) {
      const c = text.charCodeAt(pos);
      if (c === 92 && inString)
        pos++; // a backslash: skip the escaped character
      else if (c === 34) inString = !inString;
    }
    const token = match[0];
    const before = text.charCodeAt(match.index - 1); // a digit, "." or "e" before: part of a float
    if (inString || (before >= 48 && before <= 57) || before === 46 || (before | 32) === 101) {
      continue;
    }
    pos = match.index + token.length;
    if (!INTEGER.test(token)) continue;
    const value = exactNumber(token);
    if (typeof value !== "bigint") continue;
    marked += `${text.slice(copied, match.index)}"\\u0000${bigints.length}"`;
    copied = pos;
    bigints.push(value);
  }
  return { marked: marked + text.slice(copied), bigints };
}

function restoreBigints(value: unknown, bigints: readonly bigint[]): unknown {
  if (typeof value === "string") {
    return value.charCodeAt(0) === 0 ? bigints[Number(value.slice(1))] : value;
  }
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreBigints(value[i], bigints);
    return value;
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = restoreBigints(record[key], bigints);
  return value;
}

/**
 * `JSON.parse`, except integers beyond ±(2^53 - 1) come back as exact `bigint`s. Falco's
 * alerts always hold one (`evt.time` in ns), so this is the receiver's hot path: each unsafe
 * integer is swapped for a marked string, the text goes through the native `JSON.parse`,
 * and the marks are turned into `bigint`s (a text that already holds the escape of the mark,
 * `\u0000`, takes the slower lossless-json parser instead).
 */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  if (text.includes("\\u0000")) return parse(text, null, exactNumber);
  const { marked, bigints } = markUnsafeIntegers(text);
  let doc: unknown;
  try {
    doc = JSON.parse(marked);
  } catch {
    // The error of the text as given (positions in the marked text would be off).
    JSON.parse(text);
    return parse(text, null, exactNumber);
  }
  return bigints.length === 0 ? doc : restoreBigints(doc, bigints);
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
