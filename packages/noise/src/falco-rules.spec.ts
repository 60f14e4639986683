// The rules file `noise --format falco-rules` writes: valid YAML, valid against
// Falco's own rules schema, and its exceptions, applied to the input alerts with
// Falco's semantics (evaluated here independently of the analysis), remove exactly
// the alerts its comments count and nothing else.
import { readFileSync } from "node:fs";
import { type Alert, parseAlertJson } from "@falco-sdk/core";
import { noisyAlertLog } from "@falco-sdk/testing/fixtures";
import { Ajv } from "ajv";
import draft06 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { NoiseAnalyzer } from "./noise-analyzer.js";
import { renderFalcoRules } from "./render-falco-rules.js";

const schema = JSON.parse(
  readFileSync(new URL("../test/fixtures/falco-rule-schema.json", import.meta.url), "utf8"),
);
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
const validate = ajv.compile(schema);

interface RuleItem {
  rule?: string;
  exceptions?: { name: string; fields: string[]; comps: string[]; values: unknown[][] }[];
  override?: { exceptions?: string };
}

/** Falco's exception semantics for the comparisons the report writes. */
function exceptionMatches(alert: Alert, ex: NonNullable<RuleItem["exceptions"]>[number]) {
  if (!Array.isArray(ex.fields)) throw new Error("only the list form is written");
  return ex.values.some((tuple) =>
    ex.fields.every((field, k) => {
      const raw = alert.outputFields[field];
      if (raw === null || raw === undefined || raw === "<NA>") return false; // no value: no match
      const value = String(raw);
      const want = tuple[k];
      switch (ex.comps[k]) {
        case "=":
          return value === want;
        case "in":
          return (want as string[]).includes(value);
        case "startswith":
          return value.startsWith(want as string);
        default:
          throw new Error(`unexpected comp ${ex.comps[k]}`);
      }
    }),
  );
}

function rulesFileFor(lines: string[], top = 10) {
  const alerts = lines.map((l) => parseAlertJson(l));
  const analyzer = new NoiseAnalyzer();
  for (const a of alerts) analyzer.add(a);
  return { alerts, text: renderFalcoRules(analyzer.report(top), { top }) };
}

describe("noise --format falco-rules", () => {
  for (const seed of [7, 11, 23]) {
    it(`is valid YAML and valid against Falco's rules schema (seed ${seed})`, () => {
      const { text } = rulesFileFor(noisyAlertLog(600, 120, seed));
      const doc = parseDocument(text);
      expect(doc.errors).toEqual([]);
      const items = doc.toJS() as RuleItem[];
      expect(validate(items), JSON.stringify(validate.errors)).toBe(true);
      expect(items[0]).toEqual({ required_engine_version: "0.31.0" });
      const rules = items.slice(1);
      expect(rules.length).toBeGreaterThan(1);
      for (const item of rules) {
        expect(Object.keys(item).sort()).toEqual(["exceptions", "override", "rule"]);
        expect(item.override).toEqual({ exceptions: "append" });
        const names = item.exceptions!.map((e) => e.name);
        expect(new Set(names).size).toBe(names.length);
        for (const ex of item.exceptions!) {
          expect(ex.fields.length).toBe(ex.comps.length);
          for (const tuple of ex.values) expect(tuple.length).toBe(ex.fields.length);
        }
      }
    });

    it(`its exceptions remove exactly the alerts its comments count (seed ${seed})`, () => {
      const { alerts, text } = rulesFileFor(noisyAlertLog(600, 120, seed));
      const items = (parse(text) as RuleItem[]).filter((i) => i.rule);
      const counted = [...text.matchAll(/# would have removed (\d+) of (\d+) alerts/g)].map((m) =>
        Number(m[1]),
      );
      const removedBy: number[] = [];
      let removed = 0;
      for (const alert of alerts) {
        const item = items.find((i) => i.rule === alert.rule);
        if (!item) continue;
        const index = item.exceptions!.findIndex((ex) => exceptionMatches(alert, ex));
        if (index < 0) continue;
        removed++;
        // Position of this exception among every exception of the file, in file order.
        const offset = items
          .slice(0, items.indexOf(item))
          .reduce((n, i) => n + i.exceptions!.length, 0);
        removedBy[offset + index] = (removedBy[offset + index] ?? 0) + 1;
      }
      expect(Array.from(removedBy, (n) => n ?? 0)).toEqual(counted);
      const header = /would have removed (\d+) of them/.exec(text);
      expect(Number(header?.[1])).toBe(removed);
      expect(removed).toBeGreaterThan(0);
      expect(removed).toBeLessThan(alerts.length);
    });
  }

  it("the schema check can fail: Falco's schema refuses a wrong override", () => {
    expect(validate([{ rule: "x", exceptions: [], override: { exceptions: "add" } }])).toBe(false);
    expect(validate([{ rule: "x", exceptions: [{ fields: ["proc.name"] }] }])).toBe(false);
  });

  it("leaves Falco's internal alerts out: they are not rules", () => {
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        rule: "Falco internal: syscall event drop",
        priority: "Debug",
        source: "internal",
        time: `2026-01-01T00:00:${String(i).padStart(2, "0")}Z`,
        output_fields: { "proc.name": "falco", "user.name": "root" },
      }),
    );
    const { text } = rulesFileFor(lines);
    expect((parse(text) as RuleItem[]).filter((i) => i.rule)).toEqual([]);
  });
});
