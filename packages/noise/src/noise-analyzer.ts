import { type Alert, comparePriority, type Priority } from "@falco-sdk/core";
import {
  type CombinationOptions,
  findCombinations,
  type NoiseCombination,
  type Projection,
} from "./find-combinations.js";
import { alertItems, DEFAULT_NOISE_FIELDS } from "./noise-fields.js";
import { TimeHistogram } from "./time-histogram.js";

/** Options of {@link NoiseAnalyzer}. */
export interface NoiseAnalyzerOptions extends CombinationOptions {
  /** Output fields combinations are made of. @default {@link DEFAULT_NOISE_FIELDS} */
  readonly fields?: readonly string[];
  /**
   * Distinct field combinations remembered over all rules (memory bound); alerts
   * with a new combination past it are counted in `RuleNoise.notAnalysed`, not analysed.
   * @default 200000
   */
  readonly maxDistinct?: number;
}

/** One rule in a {@link NoiseReport}. */
export interface RuleNoise {
  /** The rule's name, as in `Alert.rule`. */
  readonly rule: string;
  /** The event source of its first alert (`syscall`, `k8s_audit`, a plugin's source, ...). */
  readonly source: string;
  /** Its most severe priority seen. */
  readonly priority: Priority;
  /** Its alerts added to the analyzer. */
  readonly count: number;
  /** Share of all alerts, 0 to 1. */
  readonly share: number;
  /** Alerts per hour over the report's time span. */
  readonly perHour: number;
  /** The distinct `hostname`s of its alerts, sorted (empty when no alert had one). */
  readonly hosts: readonly string[];
  /** The time of its earliest alert (Falco's event time, not when it was read). */
  readonly firstSeen: Date;
  /** The time of its latest alert. */
  readonly lastSeen: Date;
  /** Combinations that explain its alerts, greedy order. */
  readonly combinations: readonly NoiseCombination[];
  /** Alerts past the distinct-combinations bound (not analysed). */
  readonly notAnalysed: number;
  /** Its alerts over time, by event time (what the HTML report charts). */
  readonly histogram: TimeHistogram;
}

/** What {@link NoiseAnalyzer.report} found. */
export interface NoiseReport {
  /** Alerts added to the analyzer, every rule. */
  readonly total: number;
  /** The time of the earliest alert; undefined when none was added. */
  readonly firstSeen: Date | undefined;
  /** The time of the latest alert; undefined when none was added. */
  readonly lastSeen: Date | undefined;
  /** Every rule, most alerts first. */
  readonly rules: readonly RuleNoise[];
  /** The output fields the combinations were searched in (`NoiseAnalyzerOptions.fields`). */
  readonly fields: readonly string[];
}

interface RuleState {
  rule: string;
  source: string;
  priority: Priority;
  count: number;
  hosts: Set<string>;
  first: Date;
  last: Date;
  projections: Map<string, number>;
  notAnalysed: number;
  histogram: TimeHistogram;
}

/** Collects alerts (from files or a live stream) and finds what makes each rule noisy. */
export class NoiseAnalyzer {
  private readonly rules = new Map<string, RuleState>();
  private readonly fields: readonly string[];
  private distinct = 0;
  private first: Date | undefined;
  private last: Date | undefined;
  /** Alerts added so far. */
  total = 0;

  constructor(private readonly options: NoiseAnalyzerOptions = {}) {
    this.fields = options.fields ?? DEFAULT_NOISE_FIELDS;
  }

  /** Counts `alert` for its rule and remembers its field values (bounded by `maxDistinct`). */
  add(alert: Alert): void {
    this.total++;
    if (!this.first || alert.time < this.first) this.first = alert.time;
    if (!this.last || alert.time > this.last) this.last = alert.time;
    let state = this.rules.get(alert.rule);
    if (!state) {
      state = {
        rule: alert.rule,
        source: alert.source,
        priority: alert.priority,
        count: 0,
        hosts: new Set(),
        first: alert.time,
        last: alert.time,
        projections: new Map(),
        notAnalysed: 0,
        histogram: new TimeHistogram(),
      };
      this.rules.set(alert.rule, state);
    }
    state.count++;
    if (comparePriority(alert.priority, state.priority) < 0) state.priority = alert.priority;
    if (alert.hostname) state.hosts.add(alert.hostname);
    if (alert.time < state.first) state.first = alert.time;
    if (alert.time > state.last) state.last = alert.time;
    state.histogram.add(Number(alert.timeNs / 1_000_000n) / 1000);
    const key = alertItems(alert, this.fields).sort().join("\u0001");
    const seen = state.projections.get(key);
    if (seen !== undefined) state.projections.set(key, seen + 1);
    else if (this.distinct < (this.options.maxDistinct ?? 200_000)) {
      this.distinct++;
      state.projections.set(key, 1);
    } else state.notAnalysed++;
  }

  /** The report; combinations are searched for the `top` rules with most alerts only. */
  report(top = Number.POSITIVE_INFINITY): NoiseReport {
    const spanMs = this.first && this.last ? this.last.getTime() - this.first.getTime() : 0;
    // A span under a minute reads as a minute: a rate from one alert is not a rate.
    const hours = Math.max(spanMs, 60_000) / 3_600_000;
    const rules = [...this.rules.values()]
      .sort((a, b) => b.count - a.count || (a.rule < b.rule ? -1 : 1))
      .map((s, rank): RuleNoise => {
        const projections: Projection[] = [...s.projections].map(([key, count]) => ({
          items: key === "" ? [] : key.split("\u0001"),
          count,
        }));
        return {
          rule: s.rule,
          source: s.source,
          priority: s.priority,
          count: s.count,
          share: s.count / this.total,
          perHour: s.count / hours,
          hosts: [...s.hosts].sort(),
          firstSeen: s.first,
          lastSeen: s.last,
          combinations: rank < top ? findCombinations(projections, s.count, this.options) : [],
          notAnalysed: s.notAnalysed,
          histogram: s.histogram,
        };
      });
    return {
      total: this.total,
      firstSeen: this.first,
      lastSeen: this.last,
      rules,
      fields: this.fields,
    };
  }
}
