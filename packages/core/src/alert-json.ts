import type { Alert, OutputFieldValue } from "./alert.js";
import { dateFromNs, nsFromRfc3339, rfc3339FromNs } from "./alert-time.js";
import { AlertParseError } from "./errors.js";
import { parseJsonExact, stringifyJsonExact } from "./exact-json.js";
import { parsePriority } from "./priority.js";

/** An alert in Falco's JSON output format (json_output, http_output, files, Falcosidekick). */
export interface FalcoAlertJson {
  /** Host that raised the alert; absent from Falco < 0.19 (parsed as `""`). */
  hostname?: string;
  /** The formatted alert line (parsed as `""` when absent). */
  output: string;
  /** Fields named in the rule's output, by field name, e.g. `"container.id"`; values keep their JSON types. */
  output_fields: Record<string, OutputFieldValue>;
  /** Falco's priority name, any case, e.g. `"Warning"`. */
  priority: string;
  /** Name of the rule that matched. */
  rule: string;
  /** Event source, e.g. `"syscall"`; absent from Falco < 0.31 (parsed as `"syscall"`). */
  source?: string;
  /** Tags of the rule; absent from Falco < 0.30 (parsed as `[]`). */
  tags?: string[];
  /** Event time, RFC 3339 with up to nine fractional digits, e.g. `"2024-05-02T10:09:32.918828894Z"`. */
  time: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fieldValue(key: string, value: unknown): OutputFieldValue {
  if (value === null || ["string", "number", "bigint", "boolean"].includes(typeof value)) {
    return value as OutputFieldValue;
  }
  // Falco writes scalars only; keep anything else readable rather than fail.
  try {
    return stringifyJsonExact(value) ?? null;
  } catch {
    throw new AlertParseError(`output_fields["${key}"] is not a JSON value`);
  }
}

/**
 * Parses one alert in Falco's JSON format: a JSON text, or an object already
 * parsed. `rule`, `priority` (any case) and an RFC 3339 `time` are required;
 * `output` defaults to `""`, and `hostname`, `tags` and `source` (absent from
 * older Falco) to `""`, `[]` and `"syscall"`.
 *
 * Integers stay exact when the input is the JSON text: beyond 2^53 they become
 * `bigint`s (see `OutputFieldValue`). An object already parsed by `JSON.parse`
 * has lost those digits before it gets here: pass the text.
 *
 * @throws AlertParseError saying which field is missing or wrong.
 */
export function parseAlertJson(input: string | Readonly<Record<string, unknown>>): Alert {
  let doc: unknown = input;
  if (typeof input === "string") {
    try {
      doc = parseJsonExact(input);
    } catch (cause) {
      throw new AlertParseError(`not JSON: ${(cause as Error).message}`, { cause });
    }
  }
  if (!isRecord(doc)) throw new AlertParseError("a Falco alert is a JSON object");
  const { rule, priority, time, output = "", hostname = "", tags = [], source = "syscall" } = doc;
  if (typeof rule !== "string" || rule === "") {
    throw new AlertParseError('"rule" is missing or not a string');
  }
  const prio = typeof priority === "string" ? parsePriority(priority) : undefined;
  if (!prio) {
    throw new AlertParseError(
      `"priority" must be one of Emergency..Debug, got ${JSON.stringify(priority)}`,
    );
  }
  const timeNs = typeof time === "string" ? nsFromRfc3339(time) : undefined;
  if (timeNs === undefined) {
    throw new AlertParseError(`"time" must be an RFC 3339 time, got ${JSON.stringify(time)}`);
  }
  if (typeof output !== "string") throw new AlertParseError('"output" must be a string');
  if (typeof hostname !== "string") throw new AlertParseError('"hostname" must be a string');
  if (typeof source !== "string") throw new AlertParseError('"source" must be a string');
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) {
    throw new AlertParseError('"tags" must be an array of strings');
  }
  const rawFields = doc.output_fields ?? {};
  if (!isRecord(rawFields)) throw new AlertParseError('"output_fields" must be an object');
  const outputFields: Record<string, OutputFieldValue> = {};
  for (const [key, value] of Object.entries(rawFields)) outputFields[key] = fieldValue(key, value);
  return {
    time: dateFromNs(timeNs),
    timeNs,
    priority: prio,
    rule,
    output,
    outputFields,
    hostname,
    tags,
    source,
    raw: { kind: "json", document: doc },
  };
}

/**
 * Parses a line of a journal or log file that may hold a JSON alert among
 * plain text (Falco's start-up messages): the Alert, or undefined for a line
 * that is not a JSON alert.
 */
export function tryParseAlertLine(line: string): Alert | undefined {
  const start = line.indexOf("{");
  if (start < 0) return undefined;
  try {
    return parseAlertJson(line.slice(start));
  } catch {
    return undefined;
  }
}

/**
 * The alert in Falco's own JSON shape: what Falco's json_output writes. Its
 * `output_fields` may hold `bigint`s, which `JSON.stringify` refuses: use
 * `formatAlertJson` for the text.
 */
export function alertToJson(alert: Alert): FalcoAlertJson {
  return {
    hostname: alert.hostname,
    output: alert.output,
    output_fields: { ...alert.outputFields },
    priority: alert.priority,
    rule: alert.rule,
    source: alert.source,
    tags: [...alert.tags],
    time: rfc3339FromNs(alert.timeNs),
  };
}

/**
 * The alert as one line of Falco's JSON (no newline), integers exact:
 * `parseAlertJson(formatAlertJson(a))` gives back the same alert.
 */
export function formatAlertJson(alert: Alert): string {
  return stringifyJsonExact(alertToJson(alert));
}
