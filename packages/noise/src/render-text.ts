import { describeCombination, percent, rate, utc } from "./describe-combination.js";
import type { NoiseReport, RuleNoise } from "./noise-analyzer.js";
import { plural } from "./plural.js";
import { paint, paintPriority } from "./text-style.js";

/** How the report is laid out. */
export interface RenderOptions {
  /** Rules shown, most alerts first. @default 10 */
  readonly top?: number;
  /** ANSI colours (terminal table only). @default false */
  readonly color?: boolean;
  /**
   * How the terminal table's last line names the `top` option when rules are hidden, in the
   * words of the caller's interface (a CLI passes its flag, `"--top"`), as in
   * "(15 more rules: top: 20)".
   * @default "top:"
   */
  readonly topOption?: string;
}

function summary(report: NoiseReport, skipped: number): string {
  const span = `${utc(report.firstSeen)} to ${utc(report.lastSeen)} UTC`;
  const skip = skipped > 0 ? `, ${plural(skipped, "non-alert line")} skipped` : "";
  return `${plural(report.total, "alert")} from ${plural(report.rules.length, "rule")}, ${span}${skip}`;
}

function explained(rule: RuleNoise): number {
  return rule.combinations.reduce((n, c) => n + c.count, 0);
}

/** The terminal table: one row per rule, its combinations indented below it. */
export function renderNoiseTable(
  report: NoiseReport,
  skipped = 0,
  options: RenderOptions = {},
): string {
  const color = options.color ?? false;
  const rules = report.rules.slice(0, options.top ?? 10);
  const ruleWidth = Math.min(48, Math.max(4, ...rules.map((r) => r.rule.length)));
  const cut = (t: string) => (t.length <= ruleWidth ? t : `${t.slice(0, ruleWidth - 1)}…`);
  const head = [
    "ALERTS".padStart(7),
    "SHARE".padStart(6),
    "PER HOUR".padStart(9),
    "PRIORITY".padEnd(13),
    "RULE",
  ];
  const lines = [summary(report, skipped), "", paint(color, "bold", head.join("  "))];
  for (const r of rules) {
    lines.push(
      [
        String(r.count).padStart(7),
        percent(r.count, report.total).padStart(6),
        rate(r.perHour).padStart(9),
        paintPriority(color, r.priority, r.priority.padEnd(13)),
        cut(r.rule),
      ].join("  "),
    );
    for (const [i, c] of r.combinations.entries()) {
      const n = `${c.count} (${percent(c.count, r.count)})`;
      lines.push(
        paint(color, "dim", `${" ".repeat(9)}${i + 1}. ${n.padEnd(14)} ${describeCombination(c)}`),
      );
    }
    if (r.combinations.length > 0) {
      const e = explained(r);
      lines.push(
        paint(color, "dim", `${" ".repeat(12)}explain ${e} of ${r.count} (${percent(e, r.count)})`),
      );
    }
  }
  const hidden = report.rules.length - rules.length;
  if (hidden > 0)
    lines.push(
      paint(
        color,
        "dim",
        `(${hidden} more rules: ${options.topOption ?? "top:"} ${report.rules.length})`,
      ),
    );
  return `${lines.join("\n")}\n`;
}

const md = (text: string) => text.replace(/[|\\`*_[\]<>]/g, (c) => `\\${c}`);

/** The report in Markdown: a table of rules, then each rule's combinations. */
export function renderNoiseMarkdown(
  report: NoiseReport,
  skipped = 0,
  options: RenderOptions = {},
): string {
  const rules = report.rules.slice(0, options.top ?? 10);
  const out = [
    "# Falco noise report",
    "",
    `${summary(report, skipped)}.`,
    "",
    "| # | Rule | Priority | Alerts | Share | Per hour | Explained by the combinations |",
    "|---:|---|---|---:|---:|---:|---:|",
  ];
  for (const [i, r] of rules.entries()) {
    const e = explained(r);
    out.push(
      `| ${i + 1} | ${md(r.rule)} | ${r.priority} | ${r.count} | ${percent(r.count, report.total)} | ${rate(r.perHour)} | ${e > 0 ? `${e} (${percent(e, r.count)})` : "-"} |`,
    );
  }
  for (const r of rules) {
    if (r.combinations.length === 0) continue;
    out.push(
      "",
      `## ${md(r.rule)}`,
      "",
      "| Alerts | Share of rule | Combination |",
      "|---:|---:|---|",
    );
    for (const c of r.combinations) {
      out.push(
        `| ${c.count} | ${percent(c.count, r.count)} | \`${describeCombination(c).replace(/\|/g, "\\|")}\` |`,
      );
    }
  }
  out.push(
    "",
    "Counts: each combination's alerts that the ones above it do not match. " +
      "`falco-alerts noise --format falco-rules` writes them as Falco rule exceptions.",
  );
  return `${out.join("\n")}\n`;
}
