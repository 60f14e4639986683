/**
 * `@falco-sdk/noise`: which Falco rules are noisy, and the field values behind the noise.
 * Feed alerts (from Falco JSON logs with {@link readAlertLogs}, or any alert stream of the SDK)
 * to a {@link NoiseAnalyzer}; its report ranks the rules by alerts and finds, per rule, the
 * combinations of output fields that explain most of them; render it as a terminal table,
 * Markdown, a self-contained HTML page with a chart, or Falco rule exceptions (YAML) that
 * silence exactly those combinations. `falco-alerts noise` is this package on the command line.
 *
 * @packageDocumentation
 */

export { ATTACKER_CONTROLLED_FIELDS, isAttackerControlled } from "./attacker-fields.js";
export { describeCombination, describeCondition } from "./describe-combination.js";
export {
  conditionValues,
  type ExceptionCondition,
  NoiseExceptionError,
} from "./exception-condition.js";
export type { CombinationOptions, NoiseCombination, NoiseCondition } from "./find-combinations.js";
export {
  NoiseAnalyzer,
  type NoiseAnalyzerOptions,
  type NoiseReport,
  type RuleNoise,
} from "./noise-analyzer.js";
export { DEFAULT_NOISE_FIELDS } from "./noise-fields.js";
export { AlertLogError, type AlertLogStats, readAlertLogs } from "./read-alert-logs.js";
export { renderFalcoException } from "./render-exception.js";
export { REQUIRED_ENGINE_VERSION, renderFalcoRules } from "./render-falco-rules.js";
export { renderNoiseHtml, SERIES_COLORS } from "./render-html.js";
export { type RenderOptions, renderNoiseMarkdown, renderNoiseTable } from "./render-text.js";
export { TimeHistogram } from "./time-histogram.js";
