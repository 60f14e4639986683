import { type Alert, priorityLevel } from "@falco-sdk/core";

/** The labels of falco-exporter's `falco_events`, in its order. */
export const FALCO_EVENTS_LABELS = [
  "rule",
  "priority",
  "hostname",
  "source",
  "k8s_ns_name",
  "k8s_pod_name",
  "tags",
] as const;

/** One label set of `falco_events`. */
export type FalcoEventsLabels = Record<(typeof FALCO_EVENTS_LABELS)[number], string>;

/** An output field as a label value: absent, null and Falco's "<NA>" are all "". */
function fieldLabel(alert: Alert, name: string): string {
  const value = alert.outputFields[name];
  if (value === undefined || value === null || value === "<NA>") return "";
  return String(value);
}

/**
 * The labels falco-exporter gives an alert: `priority` as Falco's number ("0" = Emergency ..
 * "7" = Debug), `k8s_ns_name` / `k8s_pod_name` from the output fields `k8s.ns.name` /
 * `k8s.pod.name` ("" when absent or `<NA>`), and `tags` joined with commas and wrapped in
 * commas, `",container,shell,"` (`",,"` for a rule without tags, as falco-exporter wrote it).
 */
export function falcoEventsLabels(alert: Alert): FalcoEventsLabels {
  return {
    rule: alert.rule,
    priority: String(priorityLevel(alert.priority)),
    hostname: alert.hostname,
    source: alert.source,
    k8s_ns_name: fieldLabel(alert, "k8s.ns.name"),
    k8s_pod_name: fieldLabel(alert, "k8s.pod.name"),
    tags: `,${alert.tags.join(",")},`,
  };
}

/**
 * The label Falco's metrics endpoint gives a rule tag: `tag_<tag>="true"`. Characters a
 * Prometheus label name cannot hold (anything but letters, digits and `_`) become `_`, so a
 * tag such as `NIST_800-53_AU-2` cannot make Prometheus reject the whole scrape.
 */
export function tagLabelName(tag: string): string {
  return `tag_${tag.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

/**
 * The labels of `falcosecurity_falco_rules_matches_total` as Falco's own endpoint writes them
 * (`rule_name`, `priority` as the number, `source`, one `tag_<tag>="true"` per rule tag), plus
 * the labels Falco's endpoint lacks: `hostname`, `k8s_ns_name`, `k8s_pod_name`.
 */
export function falcoNativeLabels(events: FalcoEventsLabels, tags: readonly string[]) {
  const labels: Record<string, string> = {
    rule_name: events.rule,
    priority: events.priority,
    source: events.source,
    hostname: events.hostname,
    k8s_ns_name: events.k8s_ns_name,
    k8s_pod_name: events.k8s_pod_name,
  };
  for (const tag of tags) labels[tagLabelName(tag)] = "true";
  return labels;
}
