import type { Alert, OutputFieldValue } from "@falco-sdk/core";

/**
 * Output fields the noise report looks at by default: who did it (process, parent,
 * user), where (image, namespace) and on what (file, directory). High-cardinality
 * fields (pids, container ids, pod names, times) never explain many alerts, so they
 * are left out.
 */
export const DEFAULT_NOISE_FIELDS: readonly string[] = [
  "proc.name",
  "proc.pname",
  "proc.aname[2]",
  "proc.exepath",
  "user.name",
  "container.image.repository",
  "k8s.ns.name",
  "fd.name",
  "fd.directory",
  "ka.user.name",
  "ka.target.namespace",
  "ka.target.resource",
];

/** Fields whose values are paths: they are also matched by directory prefix (`startswith`). */
export const PREFIX_FIELDS: ReadonlySet<string> = new Set([
  "fd.name",
  "fd.directory",
  "proc.exepath",
  "proc.cwd",
]);

/** A comparison the report can put in a Falco exception. */
export type NoiseComp = "=" | "startswith";

/** One condition `field comp value` that an alert satisfies. */
export interface NoiseItem {
  readonly field: string;
  readonly comp: NoiseComp;
  readonly value: string;
}

/**
 * Values Falco's exception syntax carries safely: Falco quotes a value with a space
 * but escapes nothing, and a bare value ends at `(`, `)` or `,`. Anything else (quotes,
 * backslashes, brackets, control characters) is never proposed.
 */
const SAFE_VALUE = /^[A-Za-z0-9_./:@+\-~%#]+(?: [A-Za-z0-9_./:@+\-~%#]+)*$/;

export function isSafeValue(value: string): boolean {
  return SAFE_VALUE.test(value);
}

/** An output field's value as text, or undefined when Falco had none (null, `<NA>`, empty). */
export function fieldText(value: OutputFieldValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value);
  return text === "" || text === "<NA>" ? undefined : text;
}

/**
 * The conditions an alert satisfies on `fields`: `field = value` for a safe value,
 * and for a path field `field startswith D/` for each of its directories but `/`.
 * An item key is `field\u0000comp\u0000value`.
 */
export function alertItems(alert: Alert, fields: readonly string[]): string[] {
  const keys: string[] = [];
  for (const field of fields) {
    const text = fieldText(alert.outputFields[field]);
    if (text === undefined) continue;
    if (isSafeValue(text)) keys.push(itemKey({ field, comp: "=", value: text }));
    if (!PREFIX_FIELDS.has(field)) continue;
    // Every w with w.startsWith(p) (p ending in "/") yields p here: the items are exact.
    for (let i = 1; i < text.length; i++) {
      if (text[i] !== "/") continue;
      const prefix = text.slice(0, i + 1);
      if (isSafeValue(prefix)) keys.push(itemKey({ field, comp: "startswith", value: prefix }));
    }
  }
  return keys;
}

export function itemKey(item: NoiseItem): string {
  return `${item.field}\u0000${item.comp}\u0000${item.value}`;
}

export function parseItemKey(key: string): NoiseItem {
  const [field = "", comp = "=", value = ""] = key.split("\u0000");
  return { field, comp: comp as NoiseComp, value };
}

/** `proc.name=bash`, `fd.name startswith /etc/`. */
export function describeItem(item: NoiseItem): string {
  return item.comp === "="
    ? `${item.field}=${item.value}`
    : `${item.field} startswith ${item.value}`;
}
