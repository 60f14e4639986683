import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import { describe, expect, it } from "vitest";
import { createEventClock, withEventTime } from "./live-time.js";

describe("withEventTime", () => {
  it("makes time, the output prefix and evt.time agree", () => {
    const fixture = createAlertGenerator({ seed: 7 }).next("Terminal shell in container");
    const ns = 1_767_225_600_123_456_789n; // 2026-01-01T00:00:00.123456789Z
    const stamped = withEventTime(fixture, ns);
    expect(stamped.time?.seconds).toBe(1_767_225_600n);
    expect(stamped.time?.nanos).toBe(123_456_789);
    expect(stamped.output).toMatch(/^00:00:00\.123456789: /);
    expect(stamped.outputFields?.["evt.time"]).toBe(String(ns));
    expect(stamped.rule).toBe(fixture.rule);
  });

  it("the clock is strictly increasing", () => {
    const now = createEventClock();
    const ticks = Array.from({ length: 1000 }, () => now());
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1] ?? 0n);
  });
});
