import { parseAlertJson } from "@falco-sdk/core";
import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { falcoEventsLabels, tagLabelName } from "./alert-labels.js";
import { createFalcoMetrics } from "./falco-metrics.js";

const alert = (fields: Record<string, unknown> = {}) =>
  parseAlertJson({
    rule: "Terminal shell in container",
    priority: "Notice",
    time: "2026-05-01T23:29:32.918828894Z",
    output: "shell",
    hostname: "node-1",
    source: "syscall",
    tags: ["container", "shell"],
    output_fields: { "k8s.ns.name": "prod", "k8s.pod.name": "web-0" },
    ...fields,
  });

/** The lines of one metric in the exposition text, without HELP/TYPE. */
async function lines(registry: Registry, name: string): Promise<string[]> {
  const text = await registry.metrics();
  return text.split("\n").filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe("falco-exporter labels", () => {
  it("numbers the priority, wraps tags in commas and reads the k8s fields", () => {
    expect(falcoEventsLabels(alert())).toEqual({
      rule: "Terminal shell in container",
      priority: "5",
      hostname: "node-1",
      source: "syscall",
      k8s_ns_name: "prod",
      k8s_pod_name: "web-0",
      tags: ",container,shell,",
    });
  });

  it("writes Emergency as 0, absent or <NA> k8s fields as empty, no tags as ,, like falco-exporter", () => {
    const labels = falcoEventsLabels(
      alert({ priority: "Emergency", tags: [], output_fields: { "k8s.ns.name": "<NA>" } }),
    );
    expect(labels).toMatchObject({ priority: "0", k8s_ns_name: "", k8s_pod_name: "", tags: ",," });
    const nullPod = falcoEventsLabels(alert({ output_fields: { "k8s.pod.name": null } }));
    expect(nullPod.k8s_pod_name).toBe("");
  });

  it("makes every tag a valid Prometheus label name", () => {
    expect(tagLabelName("mitre_execution")).toBe("tag_mitre_execution");
    expect(tagLabelName("NIST_800-53_AU-2")).toBe("tag_NIST_800_53_AU_2");
    expect(tagLabelName("T1059.004")).toBe("tag_T1059_004");
  });
});

describe("createFalcoMetrics", () => {
  it("counts falco_events and Falco's native counter with tag_ labels and the labels Falco lacks", async () => {
    const metrics = createFalcoMetrics();
    metrics.count(alert());
    metrics.count(alert());
    metrics.count(alert({ priority: "Warning" }));
    expect(await lines(metrics.registry, "falco_events")).toEqual([
      'falco_events{rule="Terminal shell in container",priority="5",hostname="node-1",source="syscall",k8s_ns_name="prod",k8s_pod_name="web-0",tags=",container,shell,"} 2',
      'falco_events{rule="Terminal shell in container",priority="4",hostname="node-1",source="syscall",k8s_ns_name="prod",k8s_pod_name="web-0",tags=",container,shell,"} 1',
    ]);
    expect(await lines(metrics.registry, "falcosecurity_falco_rules_matches_total")).toEqual([
      'falcosecurity_falco_rules_matches_total{rule_name="Terminal shell in container",priority="5",source="syscall",hostname="node-1",k8s_ns_name="prod",k8s_pod_name="web-0",tag_container="true",tag_shell="true"} 2',
      'falcosecurity_falco_rules_matches_total{rule_name="Terminal shell in container",priority="4",source="syscall",hostname="node-1",k8s_ns_name="prod",k8s_pod_name="web-0",tag_container="true",tag_shell="true"} 1',
    ]);
    expect(await metrics.registry.metrics()).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it("leaves Falco's naming out with falcoNative: false and default metrics out with a registry of yours", async () => {
    const registry = new Registry();
    const metrics = createFalcoMetrics({ registry, falcoNative: false });
    metrics.count(alert());
    const text = await registry.metrics();
    expect(text).toContain("falco_events{");
    expect(text).not.toContain("falcosecurity_falco_rules_matches_total");
    expect(text).not.toContain("process_cpu");
  });

  it("caps the series: past maxSeries alerts go to an overflow series of their priority, counted", async () => {
    const reported: number[] = [];
    const metrics = createFalcoMetrics({
      maxSeries: 2,
      defaultMetrics: false,
      onSeriesLimit: (limit) => reported.push(limit),
    });
    for (const pod of ["a", "b", "c", "d", "a"]) {
      metrics.count(alert({ output_fields: { "k8s.pod.name": pod } }));
    }
    metrics.count(alert({ priority: "Critical", output_fields: { "k8s.pod.name": "e" } }));
    expect(metrics.series).toBe(2);
    expect(reported).toEqual([2]);
    const events = await lines(metrics.registry, "falco_events");
    expect(events).toHaveLength(4);
    expect(events).toContain(
      'falco_events{rule="_overflow_",priority="5",hostname="_overflow_",source="_overflow_",k8s_ns_name="_overflow_",k8s_pod_name="_overflow_",tags="_overflow_"} 2',
    );
    expect(events).toContain(
      'falco_events{rule="_overflow_",priority="2",hostname="_overflow_",source="_overflow_",k8s_ns_name="_overflow_",k8s_pod_name="_overflow_",tags="_overflow_"} 1',
    );
    expect(events.find((l) => l.includes('k8s_pod_name="a"'))).toMatch(/ 2$/);
    const total = events.reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
    expect(total).toBe(6);
    expect(await lines(metrics.registry, "falco_sdk_series_limit_hits_total")).toEqual([
      "falco_sdk_series_limit_hits_total 3",
    ]);
    expect(await lines(metrics.registry, "falco_sdk_series")).toEqual(["falco_sdk_series 2"]);
    expect(await lines(metrics.registry, "falco_sdk_series_limit")).toEqual([
      "falco_sdk_series_limit 2",
    ]);
  });

  it("tracks the source: up, possible losses, drops and rejections from status events", async () => {
    const metrics = createFalcoMetrics({ defaultMetrics: false });
    const value = async (name: string) => (await lines(metrics.registry, name))[0];
    expect(metrics.up).toBe(false);
    expect(await value("falco_sdk_connected")).toBe("falco_sdk_connected 0");
    metrics.observe({ type: "connected" });
    expect(metrics.up).toBe(true);
    expect(await value("falco_sdk_connected")).toBe("falco_sdk_connected 1");
    metrics.observe({ type: "disconnected", alertsMayHaveBeenLost: true });
    metrics.observe({ type: "reconnecting" });
    metrics.observe({ type: "disconnected", alertsMayHaveBeenLost: false });
    expect(metrics.up).toBe(false);
    expect(await value("falco_sdk_possible_alert_losses_total")).toBe(
      "falco_sdk_possible_alert_losses_total 1",
    );
    metrics.observe({ type: "listening" });
    metrics.observe({ type: "dropped", total: 5 });
    metrics.observe({ type: "dropped", total: 12 });
    metrics.observe({ type: "rejected", total: 2 });
    metrics.observe({ type: "rejected", total: 3, reason: "bad-body", reasonTotal: 1 });
    metrics.observe({ type: "rejected", total: 5, reason: "auth", reasonTotal: 2 });
    metrics.observe({ type: "something-else" });
    metrics.observe({ type: "malformed", total: 4 });
    expect(metrics.up).toBe(true);
    expect(await value("falco_sdk_alerts_dropped_total")).toBe("falco_sdk_alerts_dropped_total 12");
    // Answered 204, then not an alert: counted apart, never as a refused request.
    expect(await value("falco_sdk_alerts_malformed_total")).toBe(
      "falco_sdk_alerts_malformed_total 4",
    );
    expect(await lines(metrics.registry, "falco_sdk_requests_rejected_total")).toEqual([
      'falco_sdk_requests_rejected_total{reason="unknown"} 2',
      'falco_sdk_requests_rejected_total{reason="bad-body"} 1',
      'falco_sdk_requests_rejected_total{reason="auth"} 2',
    ]);
  });

  it("reads the state of a source that keeps counters at each scrape", async () => {
    let state = { up: true, possibleLosses: 2, dropped: 7, rejected: 0 };
    const metrics = createFalcoMetrics({ defaultMetrics: false, state: () => state });
    const value = async (name: string) => (await lines(metrics.registry, name))[0];
    expect(metrics.up).toBe(true);
    expect(await value("falco_sdk_connected")).toBe("falco_sdk_connected 1");
    expect(await value("falco_sdk_possible_alert_losses_total")).toBe(
      "falco_sdk_possible_alert_losses_total 2",
    );
    state = { up: false, possibleLosses: 3, dropped: 9, rejected: 1 };
    expect(metrics.up).toBe(false);
    expect(await value("falco_sdk_connected")).toBe("falco_sdk_connected 0");
    expect(await value("falco_sdk_alerts_dropped_total")).toBe("falco_sdk_alerts_dropped_total 9");
    expect(await value("falco_sdk_requests_rejected_total")).toBe(
      'falco_sdk_requests_rejected_total{reason="unknown"} 1',
    );
  });

  it("exports the refusals of a receiver by reason, every reason from 0", async () => {
    let rejected = { "bad-body": 0, "content-type": 0 };
    const metrics = createFalcoMetrics({
      defaultMetrics: false,
      state: () => ({ up: true, rejected }),
    });
    const rows = () => lines(metrics.registry, "falco_sdk_requests_rejected_total");
    expect(await rows()).toEqual([
      'falco_sdk_requests_rejected_total{reason="bad-body"} 0',
      'falco_sdk_requests_rejected_total{reason="content-type"} 0',
    ]);
    rejected = { "bad-body": 3, "content-type": 1 };
    expect(await rows()).toEqual([
      'falco_sdk_requests_rejected_total{reason="bad-body"} 3',
      'falco_sdk_requests_rejected_total{reason="content-type"} 1',
    ]);
  });

  it("refuses a maxSeries that is not a positive integer", () => {
    expect(() => createFalcoMetrics({ maxSeries: 0 })).toThrow(/maxSeries must be a positive/);
    expect(() => createFalcoMetrics({ maxSeries: 1.5 })).toThrow(/maxSeries/);
  });

  it("shares a registry with other counters", async () => {
    const registry = new Registry();
    new Counter({ name: "relay_subscriber_alerts_total", help: "x", registers: [registry] }).inc();
    createFalcoMetrics({ registry }).count(alert());
    const text = await registry.metrics();
    expect(text).toContain("relay_subscriber_alerts_total 1");
    expect(text).toContain("falco_events{");
  });
});
