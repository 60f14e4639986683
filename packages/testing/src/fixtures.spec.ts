import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { priority, source } from "@falco-sdk/proto/schema";
import { describe, expect, it } from "vitest";
import { createAlertGenerator } from "./alert-generator.js";
import { PRIORITY_NAMES } from "./falco-output-format.js";
import { FIXTURE_RULES } from "./fixtures.js";

const alerts = createAlertGenerator({ seed: 42 })
  .take(600)
  .map((init) => create(responseSchema, init));

describe("FIXTURE_RULES", () => {
  it("covers syscall, k8s_audit, plugin and internal sources and all eight priorities", () => {
    expect(FIXTURE_RULES.length).toBeGreaterThanOrEqual(12);
    const sources = new Set(FIXTURE_RULES.map((rule) => rule.source));
    for (const expected of [
      "syscall",
      "k8s_audit",
      "internal",
      "aws_cloudtrail",
      "okta",
      "github",
    ]) {
      expect(sources).toContain(expected);
    }
    expect(new Set(FIXTURE_RULES.map((rule) => rule.priority))).toEqual(new Set(PRIORITY_NAMES));
    const internal = FIXTURE_RULES.find(
      (rule) => rule.rule === "Falco internal: syscall event drop",
    );
    expect(internal).toMatchObject({ source: "internal", priority: "Debug" });
  });
});

describe("generated fixture alerts", () => {
  it("draw from every rule in a long enough stream", () => {
    expect(new Set(alerts.map((alert) => alert.rule))).toEqual(
      new Set(FIXTURE_RULES.map((rule) => rule.rule)),
    );
  });

  it("format output lines like Falco: time, priority, text with the field values", () => {
    for (const alert of alerts) {
      const match = /^(\d{2}):(\d{2}):(\d{2})\.(\d{9}): (\w+) (.+)$/.exec(alert.output);
      expect(match, alert.output).not.toBeNull();
      const [, hh, mm, ss, nanos, priorityName] = match as unknown as string[];
      expect(priorityName).toBe(PRIORITY_NAMES[alert.priority]);
      const time = new Date(Number(alert.time?.seconds) * 1000);
      expect(`${hh}:${mm}:${ss}`).toBe(time.toISOString().slice(11, 19));
      expect(Number(nanos)).toBe(alert.time?.nanos);
      expect(alert.output).not.toMatch(/%[a-z]/);
    }
    const shell = alerts.find((alert) => alert.rule === "Terminal shell in container");
    expect(shell?.output).toContain(`user=${shell?.outputFields["user.name"]} `);
    expect(shell?.output).toContain(`container_id=${shell?.outputFields["container.id"]} `);
  });

  it("send output_fields as strings, <NA> for nulls, with container and k8s fields", () => {
    for (const alert of alerts) {
      for (const value of Object.values(alert.outputFields)) {
        expect(typeof value).toBe("string");
      }
      if (alert.source === "syscall") {
        for (const key of ["container.id", "container.name", "k8s.ns.name", "k8s.pod.name"]) {
          expect(alert.outputFields).toHaveProperty([key]);
        }
        expect(alert.outputFields["evt.time"]).toMatch(/^\d{19}$/);
      }
    }
    const values = alerts.flatMap((alert) => Object.values(alert.outputFields));
    expect(values).toContain("<NA>");
    const containerOnly = new Set(FIXTURE_RULES.filter((r) => r.containerOnly).map((r) => r.rule));
    for (const alert of alerts.filter((a) => containerOnly.has(a.rule))) {
      expect(alert.outputFields["container.id"]).not.toBe("host");
    }
    const host = alerts.find((alert) => alert.outputFields["container.id"] === "host");
    expect(host?.outputFields["k8s.pod.name"]).toBe("<NA>");
    const pod = alerts.find((alert) => (alert.outputFields["k8s.pod.name"] ?? "<NA>") !== "<NA>");
    expect(pod?.outputFields["k8s.ns.name"]).not.toBe("<NA>");
  });

  it("send tags sorted and de-duplicated, and both source fields", () => {
    for (const alert of alerts) {
      expect(alert.tags).toEqual([...new Set(alert.tags)].sort());
      expect(alert.hostname).toBe("falco-test-host");
      const expected =
        alert.source === "syscall"
          ? source.SYSCALL
          : alert.source === "k8s_audit"
            ? source.K8S_AUDIT
            : alert.source === "internal"
              ? source.INTERNAL
              : source.PLUGIN;
      expect(alert.sourceDeprecated).toBe(expected);
    }
    const shell = alerts.find((alert) => alert.rule === "Terminal shell in container");
    expect(shell?.tags).toEqual([
      "T1059",
      "container",
      "maturity_stable",
      "mitre_execution",
      "shell",
    ]);
  });

  it("format internal alerts with their fields appended, priority Debug", () => {
    const drop = alerts.find((alert) => alert.source === "internal");
    expect(drop?.priority).toBe(priority.DEBUG);
    expect(drop?.output).toMatch(
      /: Debug Falco internal: syscall event drop\. (\d+) system calls dropped in last second\. \(ebpf_enabled=0 n_drops=\1 /,
    );
    expect(drop?.tags).toEqual([]);
  });

  it("survive a protobuf round trip unchanged", () => {
    for (const alert of alerts.slice(0, 50)) {
      expect(fromBinary(responseSchema, toBinary(responseSchema, alert))).toEqual(alert);
    }
  });
});
