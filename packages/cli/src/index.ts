export { EXIT, exitCodeFor } from "./exit-codes.js";
export { formatAlertJson, formatAlertLine } from "./format-alert.js";
export { createProgram, main } from "./program.js";
export { type RuleStats, RuleStatsTable } from "./rule-stats.js";
