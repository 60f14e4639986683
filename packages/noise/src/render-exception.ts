import { Document, type YAMLMap, type YAMLSeq } from "yaml";
import { type ExceptionCondition, exceptionCombination } from "./exception-condition.js";
import { exception, REQUIRED_ENGINE_VERSION } from "./render-falco-rules.js";

/**
 * A Falco rules file that appends one exception to `rule` (`override: { exceptions: append }`):
 * alerts of that rule whose fields equal every value given are no longer raised.
 * @throws NoiseExceptionError when a value cannot be written safely in Falco's exception syntax.
 */
export function renderFalcoException(
  rule: string,
  conditions: readonly ExceptionCondition[],
  comment = "Falco rule exception written by @falco-sdk/noise.",
): string {
  const entry = exception(exceptionCombination(conditions));
  const doc = new Document([
    { required_engine_version: REQUIRED_ENGINE_VERSION },
    { rule, exceptions: [entry], override: { exceptions: "append" } },
  ]);
  doc.commentBefore = [
    ` ${comment}`,
    " Review it: an exception also hides an attack that looks the same.",
    " Needs Falco >= 0.37 (override). Load it after the rules it extends, e.g.",
    "   falco -r /etc/falco/falco_rules.yaml -r this-file.yaml",
  ].join("\n");
  const node = (doc.contents as YAMLSeq<YAMLMap>).items[1]!;
  const item = (node.get("exceptions", true) as unknown as YAMLSeq<YAMLMap>).items[0]!;
  for (const key of ["fields", "comps"]) (item.get(key, true) as unknown as YAMLSeq).flow = true;
  for (const tuple of (item.get("values", true) as unknown as YAMLSeq<YAMLSeq>).items)
    tuple.flow = true;
  return doc.toString({ lineWidth: 0 });
}
