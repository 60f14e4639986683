import { parseAlertJson } from "@falco-sdk/core";
import { noisyAlertLog } from "@falco-sdk/testing/fixtures";
import { describe, expect, it } from "vitest";
import { describeCombination } from "./describe-combination.js";
import { findCombinations } from "./find-combinations.js";
import { NoiseAnalyzer } from "./noise-analyzer.js";
import { alertItems, itemKey } from "./noise-fields.js";
import { TimeHistogram } from "./time-histogram.js";

const analyse = (lines: string[], options = {}) => {
  const analyzer = new NoiseAnalyzer(options);
  for (const line of lines) analyzer.add(parseAlertJson(line));
  return analyzer.report();
};

describe("noise analysis", () => {
  it("finds the two injected noise sources, as specific as their alerts are", () => {
    const report = analyse(noisyAlertLog(600, 150));
    const sensitive = report.rules.find((r) => r.rule === "Read sensitive file untrusted")!;
    expect(describeCombination(sensitive.combinations[0]!)).toBe(
      "fd.name startswith /etc/ and proc.name=backup-agent and proc.pname=cron and user.name=root",
    );
    expect(sensitive.combinations[0]!.count).toBe(150);
    const etc = report.rules.find((r) => r.rule === "Write below etc")!;
    expect(describeCombination(etc.combinations[0]!)).toContain(
      "fd.name startswith /etc/nginx/conf.d/ and proc.name=nginx-reloader",
    );
    expect(etc.combinations[0]!.count).toBe(150);
    // Ranked by volume; shares add up to 1.
    expect(report.rules.map((r) => r.count)).toEqual(
      [...report.rules.map((r) => r.count)].sort((a, b) => b - a),
    );
    expect(report.rules.reduce((n, r) => n + r.share, 0)).toBeCloseTo(1, 9);
  });

  it("never counts an alert twice and respects the limits", () => {
    for (const seed of [1, 2, 3]) {
      const report = analyse(noisyAlertLog(800, 40, seed), { maxCombinations: 2, minFields: 2 });
      for (const rule of report.rules) {
        expect(rule.combinations.length).toBeLessThanOrEqual(2);
        const explained = rule.combinations.reduce((n, c) => n + c.count, 0);
        expect(explained).toBeLessThanOrEqual(rule.count);
        for (const c of rule.combinations) {
          expect(c.conditions.length).toBeGreaterThanOrEqual(2);
          expect(c.count).toBeGreaterThanOrEqual(Math.max(5, Math.ceil(0.05 * rule.count)));
          expect(new Set(c.conditions.map((x) => x.field)).size).toBe(c.conditions.length);
        }
      }
    }
  });

  it("merges combinations that differ in one value into `in`", () => {
    const p = (name: string, user: string, count: number) => ({
      items: [
        itemKey({ field: "proc.name", comp: "=", value: name }),
        itemKey({ field: "user.name", comp: "=", value: user }),
      ].sort(),
      count,
    });
    const found = findCombinations([p("a", "x", 50), p("b", "x", 40), p("c", "y", 10)], 100, {
      minShare: 0.2,
    });
    expect(found).toEqual([
      {
        conditions: [
          { field: "proc.name", comp: "in", values: ["a", "b"] },
          { field: "user.name", comp: "=", values: ["x"] },
        ],
        count: 90,
      },
    ]);
  });

  it("offers only values Falco's exception syntax carries, and every directory prefix", () => {
    const alert = parseAlertJson(
      JSON.stringify({
        rule: "r",
        priority: "Notice",
        time: "2026-01-01T00:00:00Z",
        output_fields: {
          "fd.name": "/var/lib/x y/z",
          "proc.name": 'we"ird',
          "user.name": null,
          "k8s.ns.name": "<NA>",
          "proc.pname": "(sd-pam)",
        },
      }),
    );
    expect(
      alertItems(alert, ["fd.name", "proc.name", "user.name", "k8s.ns.name", "proc.pname"]),
    ).toEqual([
      itemKey({ field: "fd.name", comp: "=", value: "/var/lib/x y/z" }),
      itemKey({ field: "fd.name", comp: "startswith", value: "/var/" }),
      itemKey({ field: "fd.name", comp: "startswith", value: "/var/lib/" }),
      itemKey({ field: "fd.name", comp: "startswith", value: "/var/lib/x y/" }),
    ]);
  });
});

describe("TimeHistogram", () => {
  it("doubles its buckets to stay bounded and re-buckets exactly", () => {
    const h = new TimeHistogram();
    for (let t = 0; t < 10_000; t++) h.add(1_700_000_000 + t);
    expect(h.widthSeconds).toBe(8);
    const width = 64;
    const start = Math.floor(1_700_000_000 / width);
    const series = h.series(width, start, Math.floor((1_700_000_000 + 9_999) / width) - start + 1);
    expect(series.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});
