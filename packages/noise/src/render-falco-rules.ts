import { createHash } from "node:crypto";
import { Document, type YAMLMap, type YAMLSeq } from "yaml";
import { percent, utc } from "./describe-combination.js";
import type { NoiseCombination } from "./find-combinations.js";
import type { NoiseReport } from "./noise-analyzer.js";
import { plural } from "./plural.js";
import type { RenderOptions } from "./render-text.js";

/**
 * Falco's engine version of 0.37.0, the first Falco with `override:` (selective
 * rule overrides, falco#2981); older engines refuse the file instead of misreading it.
 */
export const REQUIRED_ENGINE_VERSION = "0.31.0";

/** The exception's name: its fields and a hash of its values, so that names stay unique. */
export function exceptionName(combination: NoiseCombination): string {
  const fields = combination.conditions.map((c) => c.field.replace(/[^A-Za-z0-9]+/g, "_"));
  const hash = createHash("sha256").update(JSON.stringify(combination.conditions)).digest("hex");
  return `noise_${fields.join("_")}_${hash.slice(0, 8)}`;
}

/** The exception entry of a rule (name, fields, comps, values) for one combination. */
export function exception(combination: NoiseCombination) {
  return {
    name: exceptionName(combination),
    fields: combination.conditions.map((c) => c.field),
    comps: combination.conditions.map((c) => c.comp),
    values: [combination.conditions.map((c) => (c.comp === "in" ? [...c.values] : c.values[0]))],
  };
}

/**
 * A Falco rules file that appends one exception per combination to each rule
 * (`override: { exceptions: append }`), each commented with the alerts it would
 * have removed from the input. Internal alerts (source `internal`) are not rules
 * and are left out.
 */
export function renderFalcoRules(report: NoiseReport, options: RenderOptions = {}): string {
  const rules = report.rules
    .slice(0, options.top ?? 10)
    .filter((r) => r.source !== "internal" && r.combinations.length > 0);
  const items: unknown[] = [{ required_engine_version: REQUIRED_ENGINE_VERSION }];
  for (const r of rules) {
    items.push({
      rule: r.rule,
      exceptions: r.combinations.map(exception),
      override: { exceptions: "append" },
    });
  }
  const doc = new Document(items);
  const removed = rules.reduce((n, r) => n + r.combinations.reduce((m, c) => m + c.count, 0), 0);
  doc.commentBefore = [
    ` Falco rule exceptions written by \`falco-alerts noise --format falco-rules\`.`,
    ` Input: ${plural(report.total, "alert")}, ${utc(report.firstSeen)} to ${utc(report.lastSeen)} UTC;`,
    ` these exceptions would have removed ${removed} of them (${percent(removed, report.total)}).`,
    " Each exception silences one combination of output-field values that explained many",
    " alerts of its rule; the comment above it says how many alerts of this input it would",
    " have removed (alerts an exception above it already removes are not counted again).",
    " Review each one: an exception also hides an attack that looks the same.",
    " Needs Falco >= 0.37 (override). Load it after the rules it extends, e.g.",
    "   falco -r /etc/falco/falco_rules.yaml -r noise-exceptions.yaml",
    " or as /etc/falco/rules.d/noise-exceptions.yaml. It replaces an earlier file of this",
    " kind: loading two that hold the same exception name is an error in Falco.",
  ].join("\n");
  const seq = doc.contents as YAMLSeq<YAMLMap>;
  for (const [k, r] of rules.entries()) {
    const ruleNode = seq.items[k + 1]!;
    ruleNode.commentBefore = ` ${r.rule}: ${plural(r.count, "alert")} (${percent(r.count, report.total)} of all), ${r.priority}`;
    const exceptions = ruleNode.get("exceptions", true) as unknown as YAMLSeq<YAMLMap>;
    for (const [i, node] of exceptions.items.entries()) {
      const c = r.combinations[i]!;
      node.commentBefore = ` would have removed ${c.count} of ${plural(r.count, "alert")} (${percent(c.count, r.count)})`;
      for (const key of ["fields", "comps", "values"]) {
        const list = node.get(key, true) as unknown as YAMLSeq;
        list.flow = key !== "values";
        if (key === "values") for (const tuple of list.items as YAMLSeq[]) tuple.flow = true;
      }
    }
  }
  return doc.toString({ lineWidth: 0 });
}
