// Alerts for the store's benchmarks: the testing package's seeded generator (Falco's default
// rules), as Falco's JSON, 20 hosts, all within the last 24 hours.
import { formatAlertJson, PRIORITIES, parseAlertJson } from "@falco-sdk/core";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";

const SOURCES = { 0: "syscall", 1: "k8s_audit", 2: "internal", 3: "plugin" };

/** `count` alerts as `Alert`s, spread evenly over the 24 hours before `endMs`. */
export function* benchAlerts(count, endMs = Date.now()) {
  const generator = createAlertGenerator({ seed: 7 });
  const startNs = BigInt(endMs - 86_390_000) * 1_000_000n;
  const stepNs = 86_380_000_000_000n / BigInt(Math.max(count, 1));
  for (let i = 0; i < count; i++) {
    const a = generator.next();
    const timeNs = startNs + BigInt(i) * stepNs;
    const seconds = timeNs / 1_000_000_000n;
    const nanos = String(timeNs % 1_000_000_000n).padStart(9, "0");
    const time = `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${nanos}Z`;
    yield parseAlertJson({
      hostname: `node-${i % 20}`,
      output: a.output,
      output_fields: a.outputFields,
      priority: PRIORITIES[a.priority] ?? "Debug",
      rule: a.rule,
      source: a.source || SOURCES[a.sourceDeprecated ?? 0] || "syscall",
      tags: a.tags,
      time,
    });
  }
}

/** Bytes of an alert as one line of Falco's JSON. */
export const jsonBytes = (alert) => Buffer.byteLength(formatAlertJson(alert)) + 1;
