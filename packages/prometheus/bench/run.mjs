// pnpm bench: what counting alerts and serving a scrape cost, beside the baseline a user would
// write by hand (one prom-client Counter with falco-exporter's labels, as the example used to).
// Needs a build (dist/). BENCH_QUICK=1 (the short mode CI runs, `pnpm bench:short` at the
// root) counts 20,000 alerts instead of 1,000,000: it proves the benchmark runs, its figures
// mean little.
import { parseAlertJson, priorityLevel } from "@falco-sdk/core";
import { Counter, Registry } from "prom-client";
import { createFalcoMetrics } from "../dist/index.js";

const ALERTS = process.env.BENCH_QUICK === "1" ? 20_000 : 1_000_000;

function alerts(distinct) {
  return Array.from({ length: distinct }, (_, i) =>
    parseAlertJson({
      rule: `Rule ${i % 50}`,
      priority: "Warning",
      time: "2026-01-01T00:00:00Z",
      output: "x",
      hostname: `node-${i % 20}`,
      source: "syscall",
      tags: ["container", "mitre_execution"],
      output_fields: { "k8s.ns.name": `ns-${i % 10}`, "k8s.pod.name": `pod-${i}` },
    }),
  );
}

function handWritten() {
  const registry = new Registry();
  const counter = new Counter({
    name: "falco_events",
    help: "x",
    labelNames: ["rule", "priority", "hostname", "source", "k8s_ns_name", "k8s_pod_name", "tags"],
    registers: [registry],
  });
  const field = (a, name) => {
    const v = a.outputFields[name];
    return v === undefined || v === null || v === "<NA>" ? "" : String(v);
  };
  return {
    registry,
    count: (a) =>
      counter.inc({
        rule: a.rule,
        priority: String(priorityLevel(a.priority)),
        hostname: a.hostname,
        source: a.source,
        k8s_ns_name: field(a, "k8s.ns.name"),
        k8s_pod_name: field(a, "k8s.pod.name"),
        tags: `,${a.tags.join(",")},`,
      }),
  };
}

async function measure(subject, input) {
  globalThis.gc?.(); // the previous subject's garbage is not this one's cost
  let start = performance.now();
  for (let i = 0; i < ALERTS; i++) subject.count(input[i % input.length]);
  const rate = ALERTS / ((performance.now() - start) / 1000);
  await subject.registry.metrics(); // warm
  globalThis.gc?.();
  const runs = 5;
  start = performance.now();
  let bytes = 0;
  for (let i = 0; i < runs; i++) bytes = (await subject.registry.metrics()).length;
  return { rate, scrapeMs: (performance.now() - start) / runs, bytes };
}

const row = (name, r) =>
  `  ${name.padEnd(58)} ${String(Math.round(r.rate)).padStart(9)} alerts/s  scrape ${r.scrapeMs.toFixed(1).padStart(6)} ms  ${(r.bytes / 1024).toFixed(0).padStart(6)} KiB`;

for (const distinct of [100, 10_000]) {
  const input = alerts(distinct);
  console.log(`${ALERTS} alerts over ${distinct} label sets:`);
  const base = await measure(handWritten(), input);
  console.log(row("baseline: one hand-written prom-client Counter", base));
  const events = createFalcoMetrics({ defaultMetrics: false, falcoNative: false });
  console.log(
    row("createFalcoMetrics, falco_events only (falcoNative: false)", await measure(events, input)),
  );
  const both = createFalcoMetrics({ defaultMetrics: false });
  console.log(
    row("createFalcoMetrics, falco_events + Falco-native naming", await measure(both, input)),
  );
}
