import type { Alert } from "@falco-sdk/core";
import { type FalcoEventsLabels, falcoEventsLabels, falcoNativeLabels } from "./alert-labels.js";

/** Label value of the overflow series that counts alerts past the series cap. */
export const OVERFLOW_LABEL_VALUE = "_overflow_";

interface Series {
  readonly events: FalcoEventsLabels;
  readonly native: Record<string, string>;
  value: number;
}

/** What {@link AlertSeries.add} did with an alert. */
export type SeriesOutcome = "counted" | "overflow";

/**
 * The alert counters, one series per distinct label set, at most `maxSeries` of them. An alert
 * whose label set would be one series too many is counted in an overflow series of its
 * priority (every other label `_overflow_`), so totals and per-priority rates stay right while
 * the cap holds the memory and Prometheus's load bounded.
 */
export class AlertSeries {
  private readonly series = new Map<string, Series>();
  private readonly overflow = new Map<string, Series>();

  constructor(readonly maxSeries: number) {}

  /** Distinct label sets counted so far (overflow series not included). */
  get size(): number {
    return this.series.size;
  }

  add(alert: Alert): SeriesOutcome {
    const events = falcoEventsLabels(alert);
    // NUL cannot be confused with label text in practice; Falco's fields never carry it.
    const key = `${events.rule}\0${events.priority}\0${events.hostname}\0${events.source}\0${events.k8s_ns_name}\0${events.k8s_pod_name}\0${events.tags}`;
    const known = this.series.get(key);
    if (known) {
      known.value++;
      return "counted";
    }
    if (this.series.size < this.maxSeries) {
      this.series.set(key, { events, native: falcoNativeLabels(events, alert.tags), value: 1 });
      return "counted";
    }
    const bucket = this.overflow.get(events.priority) ?? this.overflowSeries(events.priority);
    bucket.value++;
    return "overflow";
  }

  private overflowSeries(priority: string): Series {
    const o = OVERFLOW_LABEL_VALUE;
    const events: FalcoEventsLabels = {
      rule: o,
      priority,
      hostname: o,
      source: o,
      k8s_ns_name: o,
      k8s_pod_name: o,
      tags: o,
    };
    const series = { events, native: falcoNativeLabels(events, []), value: 0 };
    this.overflow.set(priority, series);
    return series;
  }

  /** Every series, the overflow ones last. */
  *all(): IterableIterator<Series> {
    yield* this.series.values();
    yield* this.overflow.values();
  }
}
