// falco-exporter's metric, rebuilt on @falco-sdk/client: one counter,
// `falco_events`, with the labels Grafana dashboards made for Falco expect.
import { priorityLevel } from "@falco-sdk/client";
import { Counter, Gauge } from "prom-client";

const LABELS = ["rule", "priority", "hostname", "source", "k8s_ns_name", "k8s_pod_name", "tags"];

/** An output field as a label value: absent, null and Falco's "<NA>" are all "". */
function fieldLabel(alert, name) {
  const value = alert.outputFields[name];
  if (value === undefined || value === null || value === "<NA>") return "";
  return String(value);
}

/**
 * The labels falco-exporter gives an alert: priority as its number ("0".."7"),
 * tags joined with commas and wrapped in commas (",container,shell,").
 * @param {import("@falco-sdk/client").Alert} alert
 */
export function falcoEventLabels(alert) {
  return {
    rule: alert.rule,
    priority: String(priorityLevel(alert.priority)),
    hostname: alert.hostname,
    source: alert.source,
    k8s_ns_name: fieldLabel(alert, "k8s.ns.name"),
    k8s_pod_name: fieldLabel(alert, "k8s.pod.name"),
    tags: alert.tags.length > 0 ? `,${alert.tags.join(",")},` : "",
  };
}

/**
 * Registers the exporter's metrics in `registry`.
 * @param {import("prom-client").Registry} registry
 */
export function createFalcoMetrics(registry) {
  const events = new Counter({
    name: "falco_events",
    help: "Falco alerts received, by rule and labels (falco-exporter compatible)",
    labelNames: LABELS,
    registers: [registry],
  });
  const connected = new Gauge({
    name: "falco_sdk_connected",
    help: "1 while the exporter is connected to Falco's gRPC output",
    registers: [registry],
  });
  const possibleLosses = new Counter({
    name: "falco_sdk_possible_alert_losses_total",
    help: "Disconnections during which alerts may have been lost (Falco pops before it writes)",
    registers: [registry],
  });
  return {
    /** @param {import("@falco-sdk/client").Alert} alert */
    count(alert) {
      events.inc(falcoEventLabels(alert));
    },
    /** @param {import("@falco-sdk/client").ClientStatus} status */
    status(status) {
      if (status.type === "connected") connected.set(1);
      if (status.type === "disconnected" || status.type === "closed") connected.set(0);
      if (status.type === "disconnected" && status.alertsMayHaveBeenLost) possibleLosses.inc();
    },
  };
}
