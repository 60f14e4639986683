import { createHash } from "node:crypto";
import { Document, type YAMLMap, type YAMLSeq } from "yaml";
import { checkedConditions, type ExceptionCondition } from "./exception-condition.js";
import { falcoQuote } from "./falco-value.js";
import { REQUIRED_ENGINE_VERSION } from "./render-falco-rules.js";

/** The exception's name: its fields and a hash of its conditions, so that names stay unique. */
function exceptionName(conditions: readonly ExceptionCondition[]): string {
  const fields = conditions.map((c) => c.field.replace(/[^A-Za-z0-9]+/g, "_"));
  const hash = createHash("sha256").update(JSON.stringify(conditions)).digest("hex");
  return `noise_${fields.join("_")}_${hash.slice(0, 8)}`;
}

/**
 * A Falco rules file that appends one exception to `rule` (`override: { exceptions: append }`):
 * alerts of that rule whose fields match every condition (`=`, `in`, `startswith`) are no longer
 * raised. Every value is written as a Falco-quoted string (see `falcoQuote`), and the YAML is
 * written by a YAML library, so no value (quotes, commas, colons, newlines, `#`, `&`, `*`, ...)
 * can change the file's structure or the condition Falco builds from it.
 * @throws NoiseExceptionError when a field or a value cannot be written (see its `code`).
 */
export function renderFalcoException(
  rule: string,
  conditions: readonly ExceptionCondition[],
  comment = "Falco rule exception written by @falco-sdk/noise.",
): string {
  const sorted = checkedConditions(conditions);
  const tuple = sorted.map((c) =>
    c.comp === "in" ? c.values.map((v) => falcoQuote(v, c.field)) : falcoQuote(c.value, c.field),
  );
  const entry = {
    name: exceptionName(sorted),
    fields: sorted.map((c) => c.field),
    comps: sorted.map((c) => c.comp ?? "="),
    values: [tuple],
  };
  const doc = new Document([
    { required_engine_version: REQUIRED_ENGINE_VERSION },
    { rule, exceptions: [entry], override: { exceptions: "append" } },
  ]);
  doc.commentBefore = [
    ` ${comment.replace(/[\r\n\u0085\u2028\u2029]+/g, " ")}`,
    " Review it: an exception also hides an attack that looks the same.",
    ' Values are Falco-quoted strings ("..."), compared exactly as written.',
    " Needs Falco >= 0.37 (override). Load it after the rules it extends, e.g.",
    "   falco -r /etc/falco/falco_rules.yaml -r this-file.yaml",
  ].join("\n");
  const node = (doc.contents as YAMLSeq<YAMLMap>).items[1]!;
  const item = (node.get("exceptions", true) as unknown as YAMLSeq<YAMLMap>).items[0]!;
  for (const key of ["fields", "comps"]) (item.get(key, true) as unknown as YAMLSeq).flow = true;
  for (const row of (item.get("values", true) as unknown as YAMLSeq<YAMLSeq>).items) {
    row.flow = true;
  }
  return doc.toString({ lineWidth: 0 });
}
