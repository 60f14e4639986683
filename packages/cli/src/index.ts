export { formatAlertJson } from "@falco-sdk/core";
export { AlertSummary } from "./alert-summary.js";
export {
  EXIT,
  EXIT_STATUS_HELP,
  EXIT_STATUSES,
  type ExitStatusRow,
  exitCodeFor,
  exitStatusMarkdown,
  UsageError,
} from "./exit-codes.js";
export { formatAlertLine } from "./format-alert.js";
export {
  createLiveScreen,
  fitWidth,
  type LiveScreen,
  type LiveScreenOptions,
} from "./live-screen.js";
export { createProgram, main } from "./program.js";
export { type RuleStats, RuleStatsTable } from "./rule-stats.js";
export { renderStatsTable, type StatsTableOptions } from "./stats-table.js";
