import type { Alert } from "./alert.js";
import { AlertParseError } from "./errors.js";
import { parseOutputLineHead } from "./output-line.js";
import { parsePriority } from "./priority.js";

const DAY_NS = 86_400_000_000_000n;

/**
 * An Alert from Falco's plain-text output line (http_output without
 * json_output): "HH:MM:SS.nnnnnnnnn: Priority text". What the line holds is
 * recovered: the priority, the time of day (taken as today's in UTC, or
 * yesterday's if that would lie in the future), and the text as `output`.
 * The rule, source, tags, hostname and fields are not in the line: `rule` and
 * `source` are "" and the others empty. `raw` keeps the line.
 *
 * @throws AlertParseError for a line without Falco's time and priority head.
 */
export function parseFalcoTextLine(text: string, now: Date = new Date()): Alert {
  const line = text.trim();
  const head = parseOutputLineHead(`${line} `);
  const priority = head ? parsePriority(head.priority) : undefined;
  if (!head || !priority) {
    throw new AlertParseError(
      'a text/plain alert is Falco\'s output line: "HH:MM:SS.nnnnnnnnn: Priority text"',
    );
  }
  const { hours: h, minutes: min, seconds: s } = head;
  if (h > 23 || min > 59 || s > 60) {
    const two = (n: number) => String(n).padStart(2, "0");
    throw new AlertParseError(`not a time of day: ${two(h)}:${two(min)}:${two(s)}`);
  }
  const midnight =
    BigInt(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())) * 1_000_000n;
  const ofDay = BigInt(((h * 60 + min) * 60 + s) * 1000) * 1_000_000n + BigInt(head.nanos);
  let timeNs = midnight + ofDay;
  if (timeNs > BigInt(now.getTime()) * 1_000_000n + 60_000_000_000n) timeNs -= DAY_NS;
  return {
    time: new Date(Number(timeNs / 1_000_000n)),
    timeNs,
    priority,
    rule: "",
    output: line,
    outputFields: {},
    hostname: "",
    tags: [],
    source: "",
    raw: { kind: "text", line },
  };
}
