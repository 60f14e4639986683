import { type Alert, PRIORITIES, type Priority } from "@falco-sdk/core";
import { formatLoss, type LossCounts } from "./loss-report.js";
import { plural } from "./plural.js";

/** Counts of alerts seen by a command, for its closing summary. */
export class AlertSummary {
  /** Alerts added. */
  total = 0;
  private readonly byPriority = new Map<Priority, number>();
  private readonly byRule = new Map<string, number>();

  /** Counts one alert. */
  add(alert: Alert): void {
    this.total++;
    this.byPriority.set(alert.priority, (this.byPriority.get(alert.priority) ?? 0) + 1);
    this.byRule.set(alert.rule, (this.byRule.get(alert.rule) ?? 0) + 1);
  }

  /** Alerts per priority, most severe first, only priorities seen. */
  priorities(): [Priority, number][] {
    return PRIORITIES.filter((p) => this.byPriority.has(p)).map((p) => [
      p,
      this.byPriority.get(p) ?? 0,
    ]);
  }

  /** The most frequent rules, ties by name. */
  topRules(limit: number): [string, number][] {
    return [...this.byRule.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit);
  }

  /**
   * Three lines: "N alerts: Critical 2, Warning 5", "top rules: ...", and "loss: none
   * reported" or what may have been lost: disconnections with alerts in flight, alerts
   * dropped, requests the receiver rejected (a number: possible losses only).
   */
  format(loss: number | LossCounts): string {
    const priorities = this.priorities()
      .map(([p, n]) => `${p} ${n}`)
      .join(", ");
    const top = this.topRules(3)
      .map(([rule, n]) => `${rule} (${n})`)
      .join(", ");
    const counts =
      typeof loss === "number" ? { possibleLosses: loss, dropped: 0, rejected: {} } : loss;
    return [
      `${plural(this.total, "alert")}${this.total ? `: ${priorities}` : ""}`,
      ...(this.total ? [`top rules: ${top}`] : []),
      formatLoss(counts),
    ].join("\n");
  }
}
