/** The head of Falco's output line: `HH:MM:SS.nnnnnnnnn: Priority ` (the time of day in UTC). */
const HEAD = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?: (\w+) /;

/** What the head of a Falco output line says. */
export interface OutputLineHead {
  /** Hour of the day, UTC (0 to 23). */
  readonly hours: number;
  /** Minute of the hour (0 to 59). */
  readonly minutes: number;
  /** Second of the minute (0 to 59). */
  readonly seconds: number;
  /** The fraction of the second in nanoseconds (Falco writes nine digits). */
  readonly nanos: number;
  /** The priority as written, e.g. `"Warning"` (parse it with `parsePriority`). */
  readonly priority: string;
  /** Length of the head, including the space after the priority. */
  readonly length: number;
  /** Length of the time and its `": "`. */
  readonly timeLength: number;
}

/** The head of a Falco output line, or undefined when the line does not start with one. */
export function parseOutputLineHead(line: string): OutputLineHead | undefined {
  const m = HEAD.exec(line);
  if (!m) return undefined;
  const [head, h, min, s, frac = "", priority] = m as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
    string,
  ];
  return {
    hours: Number(h),
    minutes: Number(min),
    seconds: Number(s),
    nanos: Number(frac.padEnd(9, "0")),
    priority,
    length: head.length,
    timeLength: head.length - priority.length - 1,
  };
}

/** The output line without Falco's `HH:MM:SS.nnnnnnnnn: Priority ` head (as is without one). */
export function outputLineText(line: string): string {
  const head = parseOutputLineHead(line);
  return head ? line.slice(head.length) : line;
}

/** `HH:MM:SS.nnnnnnnnn` (UTC) of an epoch time in nanoseconds, like Falco's `%evt.time`. */
export function formatTimeOfDay(epochNs: bigint): string {
  const seconds = epochNs / 1_000_000_000n;
  const nanos = epochNs % 1_000_000_000n;
  const date = new Date(Number(seconds) * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}.` +
    String(nanos).padStart(9, "0")
  );
}

/** The line with the time of its head replaced by `epochNs`'s (unchanged without a head). */
export function withOutputLineTime(line: string, epochNs: bigint): string {
  const head = parseOutputLineHead(line);
  return head ? `${formatTimeOfDay(epochNs)}: ${line.slice(head.timeLength)}` : line;
}
