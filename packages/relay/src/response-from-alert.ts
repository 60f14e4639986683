import { create } from "@bufbuild/protobuf";
import { type Alert, priorityLevel } from "@falco-sdk/core";
import { deprecatedSource } from "@falco-sdk/grpc-server";
import { type response, responseSchema } from "@falco-sdk/proto/outputs";
import type { priority as PriorityEnum } from "@falco-sdk/proto/schema";

/** What Falco's gRPC output writes for a null field (JSON output writes `null`). */
const NA = "<NA>";

const NS_PER_S = 1_000_000_000n;

/**
 * The `falco.outputs.response` a gRPC client of Falco would have received
 * for `alert`. An alert that came from Falco's gRPC API is forwarded as the
 * very message Falco sent (unknown fields included). One that came as JSON
 * (http_output, Falcosidekick) is translated like Falco's gRPC output does:
 * `output_fields` values become strings (numbers, exact big integers and
 * booleans as their JSON text, null as `<NA>`), field 3 gets the source's enum (plugins: PLUGIN).
 */
export function responseFromAlert(alert: Alert): response {
  if (alert.raw.kind === "grpc") {
    return alert.raw.message;
  }
  const outputFields: Record<string, string> = {};
  for (const [name, value] of Object.entries(alert.outputFields)) {
    // bigint: an integer past 2^53 (e.g. evt.time in ns), kept exact by the JSON parser.
    outputFields[name] = value === null ? NA : typeof value === "string" ? value : String(value);
  }
  let seconds = alert.timeNs / NS_PER_S;
  let nanos = alert.timeNs % NS_PER_S;
  if (nanos < 0n) {
    nanos += NS_PER_S;
    seconds -= 1n;
  }
  return create(responseSchema, {
    time: { seconds, nanos: Number(nanos) },
    priority: priorityLevel(alert.priority) as PriorityEnum,
    sourceDeprecated: deprecatedSource(alert.source),
    rule: alert.rule,
    output: alert.output,
    outputFields,
    hostname: alert.hostname,
    tags: [...alert.tags],
    source: alert.source,
  });
}
