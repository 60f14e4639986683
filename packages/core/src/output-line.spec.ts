import { describe, expect, it } from "vitest";
import {
  formatTimeOfDay,
  outputLineText,
  parseOutputLineHead,
  withOutputLineTime,
} from "./output-line.js";
import { parseFalcoTextLine } from "./text-alert.js";

const LINE = "16:17:57.881781397: Warning Shell spawned (user=root)";

describe("Falco's output line head", () => {
  it("reads the time of day and the priority", () => {
    expect(parseOutputLineHead(LINE)).toEqual({
      hours: 16,
      minutes: 17,
      seconds: 57,
      nanos: 881781397,
      priority: "Warning",
      length: 28,
      timeLength: 20,
    });
    expect(parseOutputLineHead("12:00:00: Error x")?.nanos).toBe(0);
    expect(parseOutputLineHead("Shell spawned")).toBeUndefined();
  });

  it("strips the head, or keeps a line without one", () => {
    expect(outputLineText(LINE)).toBe("Shell spawned (user=root)");
    expect(outputLineText("no head here")).toBe("no head here");
  });

  it("formats and replaces the time of day in UTC", () => {
    const ns = 1651447772918828894n; // 2022-05-01T23:29:32.918828894Z
    expect(formatTimeOfDay(ns)).toBe("23:29:32.918828894");
    expect(withOutputLineTime(LINE, ns)).toBe(
      "23:29:32.918828894: Warning Shell spawned (user=root)",
    );
    expect(withOutputLineTime("no head", ns)).toBe("no head");
  });
});

describe("parseFalcoTextLine", () => {
  const now = new Date("2026-12-01T20:00:00Z");

  it("takes the time as today's in UTC, or yesterday's when that would lie ahead", () => {
    expect(parseFalcoTextLine(LINE, now).time.toISOString()).toBe("2026-12-01T16:17:57.881Z");
    const late = parseFalcoTextLine("23:59:59.000000001: Notice late", now);
    expect(late.time.toISOString()).toBe("2026-11-30T23:59:59.000Z");
    expect(late.timeNs % 1_000_000_000n).toBe(1n);
  });

  it("keeps the line as output and raw, with no rule or fields", () => {
    const a = parseFalcoTextLine(`${LINE}\n`, now);
    expect([a.priority, a.output, a.rule, a.raw]).toEqual([
      "Warning",
      LINE,
      "",
      { kind: "text", line: LINE },
    ]);
  });

  it("refuses lines without a time and a known priority, or with an impossible time", () => {
    expect(() => parseFalcoTextLine("Shell spawned", now)).toThrow(/HH:MM:SS/);
    expect(() => parseFalcoTextLine("12:00:00.1: Loud x", now)).toThrow(/HH:MM:SS/);
    expect(() => parseFalcoTextLine("25:00:00.1: Warning x", now)).toThrow(/not a time of day/);
  });
});
