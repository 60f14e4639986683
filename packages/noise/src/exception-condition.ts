import type { NoiseCombination } from "./find-combinations.js";
import { isSafeValue } from "./noise-fields.js";

/** One `field = value` condition of a hand-made exception. */
export interface ExceptionCondition {
  /** A Falco field, e.g. `k8s.ns.name`, `evt.hostname`. */
  readonly field: string;
  /** The value it must equal (`=`). */
  readonly value: string;
}

/** A value or field Falco's exception syntax cannot carry safely; `code` names which. */
export class NoiseExceptionError extends Error {
  override readonly name = "NoiseExceptionError";
  constructor(
    /** `unsafe-value`: a field or value Falco cannot parse back; `duplicate-field`; `no-condition`. */
    readonly code: "unsafe-value" | "no-condition" | "duplicate-field",
    message: string,
  ) {
    super(message);
  }
}

const FIELD = /^[a-z][a-z0-9_.]*(?:\[[A-Za-z0-9_.\-/]+\])?$/;

/** The combination of conditions, sorted by field, checked for Falco's syntax. */
export function exceptionCombination(conditions: readonly ExceptionCondition[]): NoiseCombination {
  if (conditions.length === 0)
    throw new NoiseExceptionError("no-condition", "an exception needs at least one field value");
  const seen = new Set<string>();
  for (const c of conditions) {
    if (!FIELD.test(c.field))
      throw new NoiseExceptionError(
        "unsafe-value",
        `${JSON.stringify(c.field)} is not a Falco field name`,
      );
    if (seen.has(c.field))
      throw new NoiseExceptionError("duplicate-field", `${c.field} is given twice: keep one value`);
    seen.add(c.field);
    if (!isSafeValue(c.value))
      throw new NoiseExceptionError(
        "unsafe-value",
        `${c.field}=${JSON.stringify(c.value)} cannot be written safely in a Falco exception ` +
          "(quotes, brackets, commas or control characters): pick another field",
      );
  }
  const sorted = [...conditions].sort((a, b) => (a.field < b.field ? -1 : 1));
  return {
    conditions: sorted.map((c) => ({ field: c.field, comp: "=" as const, values: [c.value] })),
    count: 0,
  };
}
