import { paint, paintPriority } from "@falco-sdk/noise/internal";
import { plural } from "./plural.js";
import type { RuleStats, RuleStatsTable } from "./rule-stats.js";

/** How {@link renderStatsTable} lays out the table. */
export interface StatsTableOptions {
  /** ANSI colours. Default false. */
  readonly color?: boolean;
  /** Rows shown (most frequent first). Default 20. */
  readonly limit?: number;
  /** Longest rule name shown before it is cut with "…". Default 48. */
  readonly maxRuleWidth?: number;
  /** Hosts listed per row before "+N". Default 3. */
  readonly maxHosts?: number;
  /** The rule column is at least this wide (keeps a live table from jumping). Default 4. */
  readonly minRuleWidth?: number;
}

const HEADER = ["COUNT", "PRIORITY", "RULE", "LAST SEEN (UTC)", "HOSTS"] as const;
const PRIORITY_WIDTH = 13;

function cut(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

function hostsCell(row: RuleStats, maxHosts: number): string {
  const hosts = [...row.hosts].sort();
  const shown = hosts.slice(0, maxHosts).join(",");
  return hosts.length > maxHosts ? `${shown},+${hosts.length - maxHosts}` : shown;
}

/**
 * The stats table as lines of text (no trailing newline): a header, one row per rule
 * sorted by count, then a "N alerts, M rules" footer. Pure: same table, same text.
 */
export function renderStatsTable(table: RuleStatsTable, options: StatsTableOptions = {}): string[] {
  const color = options.color ?? false;
  const all = table.rows();
  const rows = all.slice(0, options.limit ?? 20);
  const ruleWidth = Math.min(
    options.maxRuleWidth ?? 48,
    Math.max(options.minRuleWidth ?? 0, HEADER[2].length, ...rows.map((r) => r.rule.length)),
  );
  const countWidth = Math.max(HEADER[0].length, ...rows.map((r) => String(r.count).length));
  const header = [
    HEADER[0].padStart(countWidth),
    HEADER[1].padEnd(PRIORITY_WIDTH),
    HEADER[2].padEnd(ruleWidth),
    HEADER[3].padEnd(19),
    HEADER[4],
  ].join("  ");
  const lines = rows.map((r) =>
    [
      String(r.count).padStart(countWidth),
      paintPriority(color, r.priority, r.priority.padEnd(PRIORITY_WIDTH)),
      cut(r.rule, ruleWidth),
      r.lastSeen.toISOString().slice(0, 19).replace("T", " "),
      hostsCell(r, options.maxHosts ?? 3),
    ].join("  "),
  );
  const hidden = all.length - rows.length;
  const footer = `${plural(table.total, "alert")}, ${plural(all.length, "rule")}${hidden > 0 ? ` (${hidden} not shown)` : ""}`;
  return [paint(color, "bold", header), ...lines, paint(color, "dim", footer)];
}
