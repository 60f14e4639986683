import { create, type MessageInitShape } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { type Alert, dateFromNs } from "@falco-sdk/core";
import { type response, responseSchema } from "./gen/falco/outputs_pb.js";
import {
  deprecatedSource,
  priorityFromWire,
  priorityToWire,
  sourceFromWire,
} from "./wire-enums.js";

// Alerts built from a gRPC message keep it: `alert.raw.kind === "grpc"` narrows to it.
declare module "@falco-sdk/core" {
  interface AlertRawKinds {
    grpc: { readonly kind: "grpc"; readonly message: response };
  }
}

/** Fields of a `falco.outputs.response` (an alert on the wire), any subset: the rest take their defaults. */
export type AlertInit = MessageInitShape<typeof responseSchema>;

/** What Falco's gRPC output writes for a null field (its JSON output writes `null`). */
export const NA = "<NA>";

const NS_PER_S = 1_000_000_000n;

/** Exact nanoseconds since the epoch of a protobuf `Timestamp` (0 when absent). */
export function nsFromTimestamp(
  time: { readonly seconds: bigint; readonly nanos: number } | undefined,
): bigint {
  return time === undefined ? 0n : time.seconds * NS_PER_S + BigInt(time.nanos);
}

/** The protobuf `Timestamp` fields of an exact nanosecond time (nanos 0..999999999, also before 1970). */
export function timestampFromNs(timeNs: bigint): Pick<Timestamp, "seconds" | "nanos"> {
  let seconds = timeNs / NS_PER_S;
  let nanos = timeNs % NS_PER_S;
  if (nanos < 0n) {
    nanos += NS_PER_S;
    seconds -= 1n;
  }
  return { seconds, nanos: Number(nanos) };
}

/** A `falco.outputs.response` message from its fields (unset fields take Falco's defaults). */
export function alertResponse(init: AlertInit): response {
  return create(responseSchema, init);
}

/**
 * The Alert of a `falco.outputs.response` message, exact to the nanosecond.
 * The source is field 9 when set (Falco >= 0.31), else the name of field 3's enum;
 * `raw` keeps the message (`{ kind: "grpc", message }`).
 */
export function alertFromResponse(message: response): Alert {
  const timeNs = nsFromTimestamp(message.time);
  return {
    time: dateFromNs(timeNs),
    timeNs,
    priority: priorityFromWire(message.priority),
    rule: message.rule,
    output: message.output,
    outputFields: message.outputFields,
    hostname: message.hostname,
    tags: message.tags,
    source: sourceFromWire(message.source, message.sourceDeprecated),
    raw: { kind: "grpc", message },
  };
}

/**
 * The `falco.outputs.response` a gRPC client of Falco would have received
 * for `alert`. An alert that came from Falco's gRPC API is the very message
 * Falco sent (unknown fields included). One that came another way (JSON from
 * http_output or Falcosidekick, a text line) is translated like Falco's gRPC
 * output does: `output_fields` values become strings (numbers, exact big
 * integers and booleans as their text, null as `<NA>`), field 3 gets the
 * source's enum (a plugin source: PLUGIN).
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
  return create(responseSchema, {
    time: timestampFromNs(alert.timeNs),
    priority: priorityToWire(alert.priority),
    sourceDeprecated: deprecatedSource(alert.source),
    rule: alert.rule,
    output: alert.output,
    outputFields,
    hostname: alert.hostname,
    tags: [...alert.tags],
    source: alert.source,
  });
}
