/**
 * `falco-alerts` as a library: run the command line in-process (`main`, `createProgram`),
 * and the pure pieces its output is made of, for tools that want the same output. The
 * screen and help-text helpers behind the commands are not part of it.
 *
 * @packageDocumentation
 */
export { formatAlertJson } from "@falco-sdk/core";
export { AlertSummary } from "./alert-summary.js";
export { EXIT, type ExitStatus, exitCodeFor, UsageError } from "./exit-codes.js";
export { formatAlertLine } from "./format-alert.js";
export type { LossCounts } from "./loss-report.js";
export { createProgram, main } from "./program.js";
export { type RuleStats, RuleStatsTable } from "./rule-stats.js";
export { renderStatsTable, type StatsTableOptions } from "./stats-table.js";
