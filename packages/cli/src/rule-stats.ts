import { type Alert, comparePriority, type Priority } from "@falco-sdk/core";

/** Alerts of one rule, aggregated. */
export interface RuleStats {
  /** The rule's name. */
  readonly rule: string;
  /** Alerts of this rule. */
  count: number;
  /** The most severe priority seen for this rule. */
  priority: Priority;
  /** Event time of its latest alert. */
  lastSeen: Date;
  /** The hostnames its alerts came from (alerts without one add none). */
  readonly hosts: Set<string>;
}

/**
 * Alerts aggregated by rule, the way a noisy-rule review wants them: count,
 * priority, last seen, hosts; sorted by count, most frequent first.
 */
export class RuleStatsTable {
  private readonly byRule = new Map<string, RuleStats>();
  /** Alerts added. */
  total = 0;

  /** Counts one alert. */
  add(alert: Alert): void {
    this.total++;
    const row = this.byRule.get(alert.rule);
    if (!row) {
      this.byRule.set(alert.rule, {
        rule: alert.rule,
        count: 1,
        priority: alert.priority,
        lastSeen: alert.time,
        hosts: new Set(alert.hostname ? [alert.hostname] : []),
      });
      return;
    }
    row.count++;
    if (comparePriority(alert.priority, row.priority) < 0) row.priority = alert.priority;
    if (alert.time > row.lastSeen) row.lastSeen = alert.time;
    if (alert.hostname) row.hosts.add(alert.hostname);
  }

  /** One row per rule, most frequent first. */
  rows(): RuleStats[] {
    return [...this.byRule.values()].sort(
      (a, b) =>
        b.count - a.count ||
        comparePriority(a.priority, b.priority) ||
        a.rule.localeCompare(b.rule),
    );
  }
}
