import { type Alert, PRIORITIES, parseAlertJson } from "@falco-sdk/core";

const RULES = [
  "Terminal shell in container",
  "Read sensitive file untrusted",
  "Write below etc",
  "K8s Secret Deleted",
];
const HOSTS = ["node-a", "node-b", "node-c"];
const SOURCES = ["syscall", "syscall", "k8s_audit", "aws_cloudtrail"];

/** The test alert number `i` (deterministic): rule, host, priority and tags vary with `i`. */
export function testAlert(i: number, startMs = Date.UTC(2026, 11, 1), stepMs = 1000): Alert {
  const timeNs = BigInt(startMs + i * stepMs) * 1_000_000n + BigInt(i % 1000);
  const rule = RULES[i % RULES.length] as string;
  const doc = `{"hostname":${JSON.stringify(HOSTS[i % HOSTS.length])},"output":${JSON.stringify(
    `alert ${i} by proc${i % 7} <script>alert(${i})</script>`,
  )},"output_fields":{"evt.num":${i},"evt.time":${timeNs},"proc.name":"proc${i % 7}","k8s.ns.name":${
    i % 5 === 0 ? "null" : JSON.stringify(`ns-${i % 2}`)
  }},"priority":${JSON.stringify(PRIORITIES[i % 8])},"rule":${JSON.stringify(rule)},"source":${JSON.stringify(
    SOURCES[i % SOURCES.length],
  )},"tags":${JSON.stringify(i % 3 === 0 ? ["container", "shell"] : ["filesystem"])},"time":"${new Date(
    Number(timeNs / 1_000_000n),
  )
    .toISOString()
    .slice(0, 23)}${String(i % 1000).padStart(6, "0")}Z"}`;
  return parseAlertJson(doc);
}

/** Test alerts `from` up to (not including) `to`. */
export function testAlerts(from: number, to: number, startMs?: number, stepMs?: number): Alert[] {
  return Array.from({ length: to - from }, (_, k) => testAlert(from + k, startMs, stepMs));
}
