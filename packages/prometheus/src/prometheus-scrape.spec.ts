// A real Prometheus (Debian's package) scrapes two exporters — one reading Falco's gRPC output
// from the SDK's test server, one receiving Falco 0.44+ http_output POSTs — and the queries of
// falco-exporter's Grafana dashboard, then every query of the dashboard this package ships,
// return the expected series and labels through Prometheus's HTTP API.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrometheusServer, startPrometheus } from "../test/prometheus-server.js";
import { type Cleanup, grpcAlert, grpcSource, httpSource, jsonAlert } from "../test/sources.js";
import { createPrometheusExporter, type PrometheusExporter } from "./index.js";

const cleanups: Cleanup[] = [];
let prometheus: PrometheusServer;
let grpcExporter: PrometheusExporter;
let httpExporter: PrometheusExporter;

const target = (exporter: PrometheusExporter) => new URL(exporter.url).host;
const strip = (metric: Record<string, string>) => {
  const { job: _job, instance: _instance, __name__: _name, ...labels } = metric;
  return labels;
};
const sumOf = (samples: { value: number }[]) => samples.reduce((s, x) => s + x.value, 0);

const WRITE = {
  rule: "Write below binary dir",
  priority: "4",
  hostname: "node-7",
  source: "syscall",
  k8s_ns_name: "default",
  k8s_pod_name: "web-0",
  tags: ",filesystem,mitre_persistence,",
};
const SHELL = {
  rule: "Terminal shell in container",
  priority: "5",
  hostname: "node-8",
  source: "syscall",
  k8s_ns_name: "shop",
  k8s_pod_name: "cart-1",
  tags: ",container,shell,",
};

describe("scraped by a real Prometheus", () => {
  beforeAll(async () => {
    const grpc = await grpcSource(cleanups);
    grpcExporter = await createPrometheusExporter({
      port: 0,
      status: grpc.client.status(),
      alerts: grpc.client.subscribe(),
    });
    cleanups.push(() => grpcExporter.close());
    const http = await httpSource(cleanups);
    httpExporter = await createPrometheusExporter({
      port: 0,
      initialStatus: { type: "listening" },
      status: http.receiver.status(),
      alerts: http.receiver.alerts(),
    });
    cleanups.push(() => httpExporter.close());
    prometheus = await startPrometheus({ targets: [target(grpcExporter), target(httpExporter)] });
    cleanups.push(() => prometheus.stop());

    // Two scrapes apart, each series grows, so rate() has an increase to see.
    await grpc.server.emit([grpcAlert(), grpcAlert(), grpcAlert()]);
    await http.post(jsonAlert());
    await prometheus.waitFor("falco_events", (s) => sumOf(s) === 4);
    await grpc.server.emit([grpcAlert(), grpcAlert()]);
    await http.post(jsonAlert());
    await prometheus.waitFor("falco_events", (s) => sumOf(s) === 7);
  });
  afterAll(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("rate(falco_events[5m]) > 0 returns one series per label set with falco-exporter's labels", async () => {
    const series = await prometheus.query("rate(falco_events[5m]) > 0");
    expect(series.map((s) => strip(s.metric))).toEqual(expect.arrayContaining([WRITE, SHELL]));
    expect(series).toHaveLength(2);
    const instances = series.map((s) => s.metric.instance).sort();
    expect(instances).toEqual([target(grpcExporter), target(httpExporter)].sort());
  });

  it("falco_events returns the counts by label set", async () => {
    const series = await prometheus.query("falco_events");
    const byRule = Object.fromEntries(series.map((s) => [s.metric.rule, s]));
    expect(strip(byRule[WRITE.rule]?.metric ?? {})).toEqual(WRITE);
    expect(byRule[WRITE.rule]?.value).toBe(5);
    expect(strip(byRule[SHELL.rule]?.metric ?? {})).toEqual(SHELL);
    expect(byRule[SHELL.rule]?.value).toBe(2);
  });

  it("Falco's own naming: rule_name, numeric priority, tag_<tag>, plus hostname and k8s labels", async () => {
    const series = await prometheus.query(
      'falcosecurity_falco_rules_matches_total{tag_mitre_persistence="true"}',
    );
    expect(series).toHaveLength(1);
    expect(strip(series[0]?.metric ?? {})).toEqual({
      rule_name: WRITE.rule,
      priority: "4",
      source: "syscall",
      hostname: "node-7",
      k8s_ns_name: "default",
      k8s_pod_name: "web-0",
      tag_filesystem: "true",
      tag_mitre_persistence: "true",
    });
    expect(series[0]?.value).toBe(5);
  });

  it("the SDK's own metrics: both sources up, nothing lost or dropped", async () => {
    const up = await prometheus.query("falco_sdk_connected");
    expect(up.map((s) => s.value)).toEqual([1, 1]);
    expect(sumOf(await prometheus.query("falco_sdk_possible_alert_losses_total"))).toBe(0);
    expect(sumOf(await prometheus.query("falco_sdk_alerts_dropped_total"))).toBe(0);
    expect(sumOf(await prometheus.query("falco_sdk_series_limit_hits_total"))).toBe(0);
  });

  it("every query of the shipped Grafana dashboard returns series with the labels its legend uses", async () => {
    const dashboard = JSON.parse(
      readFileSync(new URL("../grafana/falco-dashboard.json", import.meta.url), "utf8"),
    ) as DashboardJson;
    const variables = dashboard.templating.list;
    expect(variables.map((v) => v.name)).toEqual(["hostname"]);
    // The variable's query (Grafana's label_values) is Prometheus's label values API.
    const [, metric, label] =
      /^label_values\((\w+), (\w+)\)$/.exec(variables[0]?.definition ?? "") ?? [];
    expect(await prometheus.labelValues(label ?? "", metric ?? "")).toEqual(["node-7", "node-8"]);

    const targets = dashboard.panels.flatMap((p) =>
      p.targets.map((t) => ({ panel: p.title, ...t })),
    );
    expect(targets.length).toBeGreaterThanOrEqual(10);
    for (const t of targets) {
      // "All" selected: the variable's allValue.
      const expr = t.expr.replaceAll("$hostname", variables[0]?.allValue ?? "");
      expect(expr, t.panel).not.toMatch(/\$/);
      const series = await prometheus.query(expr);
      expect(series.length, `${t.panel}: ${expr}`).toBeGreaterThan(0);
      const used = [...(t.legendFormat ?? "").matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
      for (const s of series) {
        for (const name of used)
          expect(s.metric, `${t.panel}: ${name}`).toHaveProperty(name as string);
      }
    }
    const byHost = await prometheus.query(
      targets.find((t) => t.panel === "Events rate")?.expr.replaceAll("$hostname", "node-8") ?? "",
    );
    expect(byHost.map((s) => s.metric.rule)).toEqual([SHELL.rule]);
  });
});

interface DashboardJson {
  templating: { list: { name: string; definition: string; allValue: string }[] };
  panels: { title: string; targets: { expr: string; legendFormat?: string }[] }[];
}
