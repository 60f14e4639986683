import { describe, expect, it } from "vitest";
import { testAlert } from "../test/spec-alerts.js";
import { RuleStatsTable } from "./rule-stats.js";

describe("RuleStatsTable", () => {
  it("aggregates by rule: count, most severe priority, last seen, distinct hosts", () => {
    const table = new RuleStatsTable();
    table.add(testAlert("Shell", "Notice", "2026-01-01T00:00:02Z", "web-1"));
    table.add(testAlert("Shell", "Critical", "2026-01-01T00:00:01Z", "web-2"));
    table.add(testAlert("Shell", "Warning", "2026-01-01T00:00:03Z", "web-1"));
    table.add(testAlert("Write below etc", "Error", "2026-01-01T00:00:00Z"));
    const [shell, etc] = table.rows();
    expect(table.total).toBe(4);
    expect(shell?.rule).toBe("Shell");
    expect(shell?.count).toBe(3);
    expect(shell?.priority).toBe("Critical");
    expect(shell?.lastSeen.toISOString()).toBe("2026-01-01T00:00:03.000Z");
    expect([...(shell?.hosts ?? [])].sort()).toEqual(["web-1", "web-2"]);
    expect(etc?.count).toBe(1);
    expect(etc?.hosts.size).toBe(0);
  });

  it("sorts by count, then severity, then name", () => {
    const table = new RuleStatsTable();
    const t = "2026-01-01T00:00:00Z";
    for (const [rule, priority, n] of [
      ["b-notice", "Notice", 2],
      ["a-notice", "Notice", 2],
      ["z-critical", "Critical", 2],
      ["many", "Debug", 5],
      ["one", "Emergency", 1],
    ] as const) {
      for (let i = 0; i < n; i++) table.add(testAlert(rule, priority, t));
    }
    expect(table.rows().map((r) => r.rule)).toEqual([
      "many",
      "z-critical",
      "a-notice",
      "b-notice",
      "one",
    ]);
  });

  it("starts empty", () => {
    const table = new RuleStatsTable();
    expect(table.rows()).toEqual([]);
    expect(table.total).toBe(0);
  });
});
