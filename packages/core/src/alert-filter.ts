import type { Alert } from "./alert.js";
import { isAtLeast, type Priority } from "./priority.js";

/** Client-side filters; an alert passes when it matches every filter given. */
export interface AlertFilter {
  /** Only this priority and more severe ones, e.g. "Warning". @default every priority */
  readonly minPriority?: Priority;
  /** Only rules equal to one of these strings or matching one of these expressions. @default every rule */
  readonly rules?: readonly (string | RegExp)[];
  /** Only alerts with at least one of these tags. @default any tags */
  readonly tags?: readonly string[];
  /** Only these sources, e.g. ["syscall", "k8s_audit"]. @default every source */
  readonly sources?: readonly string[];
}

/** A predicate for the filters given; undefined when there is none (everything passes). */
export function compileAlertFilter(filter: AlertFilter): ((alert: Alert) => boolean) | undefined {
  const checks: ((alert: Alert) => boolean)[] = [];
  const { minPriority, rules, tags, sources } = filter;
  if (minPriority) checks.push((a) => isAtLeast(a.priority, minPriority));
  if (rules && rules.length > 0) {
    checks.push((a) => rules.some((r) => (typeof r === "string" ? r === a.rule : r.test(a.rule))));
  }
  if (tags && tags.length > 0) {
    const wanted = new Set(tags);
    checks.push((a) => a.tags.some((t) => wanted.has(t)));
  }
  if (sources && sources.length > 0) {
    const wanted = new Set(sources);
    checks.push((a) => wanted.has(a.source));
  }
  if (checks.length === 0) return undefined;
  return (alert) => checks.every((check) => check(alert));
}
