import { source as SourceEnum } from "@falco-sdk/proto/schema";
import { PRIORITY_NAMES } from "../fixtures/falco-output-format.js";
import type { AlertInit } from "../servers/falco-server.js";

// The launcher's alerts in Falco's JSON shape (what json_output writes, output_fields left as
// the strings gRPC carries), both ways: a test in any language sends and compares this shape.

type Json = Record<string, unknown>;

const DEPRECATED_SOURCES: Record<string, SourceEnum> = {
  syscall: SourceEnum.SYSCALL,
  k8s_audit: SourceEnum.K8S_AUDIT,
  internal: SourceEnum.INTERNAL,
  plugin: SourceEnum.PLUGIN,
};
const DEPRECATED_NAMES = Object.fromEntries(
  Object.entries(DEPRECATED_SOURCES).map(([name, value]) => [value, name]),
);

const RFC3339_NS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{9})Z$/;

/** The alert as a client must see it: field 9's source, else the name of field 3. */
export function alertJson(alert: AlertInit): Json {
  const seconds = BigInt(alert.time?.seconds ?? 0n);
  const nanos = alert.time?.nanos ?? 0;
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return {
    hostname: alert.hostname ?? "",
    output: alert.output ?? "",
    output_fields: alert.outputFields ?? {},
    priority: PRIORITY_NAMES[alert.priority ?? 0],
    rule: alert.rule ?? "",
    source: alert.source || DEPRECATED_NAMES[alert.sourceDeprecated ?? 0] || "",
    tags: alert.tags ?? [],
    time: `${date}.${String(nanos).padStart(9, "0")}Z`,
  };
}

function text(json: Json, key: string): string {
  const value = json[key] ?? "";
  if (typeof value !== "string") throw new Error(`alert.${key} must be a string`);
  return value;
}

/**
 * An alert in Falco's JSON shape (plus `source_deprecated`, field 3, by name) as the gRPC
 * message the server sends.
 */
export function alertFromJson(json: Json): AlertInit {
  const time = RFC3339_NS.exec(text(json, "time"));
  if (!time?.[1] || !time[2])
    throw new Error("alert.time must be RFC 3339 with 9 digits of nanoseconds, in UTC (Z)");
  const seconds = BigInt(Date.parse(`${time[1]}Z`) / 1000);
  const priority = PRIORITY_NAMES.indexOf(
    text(json, "priority") as (typeof PRIORITY_NAMES)[number],
  );
  if (priority < 0) throw new Error(`alert.priority must be one of ${PRIORITY_NAMES.join(", ")}`);
  const deprecated = json.source_deprecated;
  const sourceDeprecated =
    deprecated === undefined ? SourceEnum.SYSCALL : DEPRECATED_SOURCES[String(deprecated)];
  if (sourceDeprecated === undefined) {
    throw new Error(
      `alert.source_deprecated must be one of ${Object.keys(DEPRECATED_SOURCES).join(", ")}`,
    );
  }
  const fields = json.output_fields ?? {};
  if (
    typeof fields !== "object" ||
    fields === null ||
    Object.values(fields).some((v) => typeof v !== "string")
  ) {
    throw new Error("alert.output_fields must be an object of strings (as gRPC carries them)");
  }
  const tags = json.tags ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string")) {
    throw new Error("alert.tags must be an array of strings");
  }
  return {
    time: { seconds, nanos: Number(time[2]) },
    priority,
    sourceDeprecated,
    source: text(json, "source"),
    rule: text(json, "rule"),
    output: text(json, "output"),
    outputFields: fields as Record<string, string>,
    hostname: text(json, "hostname"),
    tags: tags as string[],
  };
}
