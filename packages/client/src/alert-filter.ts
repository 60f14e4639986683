import type { Alert } from "./alert.js";
import type { AlertFilter } from "./client-options.js";
import { isAtLeast } from "./priority.js";

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
