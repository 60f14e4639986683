import { NoiseExceptionError } from "./exception-error.js";

export { NoiseExceptionError } from "./exception-error.js";

/**
 * One condition of a hand-made exception: `field = value` (the default), `field startswith
 * value` (a path prefix, say), or `field in (values...)`.
 */
export type ExceptionCondition =
  | {
      /** A Falco field, e.g. `k8s.ns.name`, `evt.hostname`. */
      readonly field: string;
      /** How the field is compared. @default "=" */
      readonly comp?: "=" | "startswith";
      /** The value it must equal, or start with. */
      readonly value: string;
    }
  | {
      readonly field: string;
      readonly comp: "in";
      /** The values it may equal (at least one). */
      readonly values: readonly string[];
    };

/** The values of a condition: one for `=` and `startswith`, the list of `in`. */
export function conditionValues(c: ExceptionCondition): readonly string[] {
  return c.comp === "in" ? c.values : [c.value];
}

const FIELD = /^[a-z][a-z0-9_.]*(?:\[[A-Za-z0-9_.\-/]+\])?$/;

/** The conditions sorted by field, checked: Falco field names, one condition per field, values. */
export function checkedConditions(
  conditions: readonly ExceptionCondition[],
): readonly ExceptionCondition[] {
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
      throw new NoiseExceptionError(
        "duplicate-field",
        `${c.field} is given twice: keep one condition per field (in lists several values)`,
      );
    seen.add(c.field);
    const comp = c.comp ?? "=";
    if (comp !== "=" && comp !== "in" && comp !== "startswith")
      throw new NoiseExceptionError(
        "unsafe-value",
        `${JSON.stringify(comp)} is not a comparison an exception is written with: use =, in or startswith`,
      );
    if (conditionValues(c).length === 0)
      throw new NoiseExceptionError("empty-list", `${c.field} in (): give at least one value`);
  }
  return [...conditions].sort((a, b) => (a.field < b.field ? -1 : 1));
}
