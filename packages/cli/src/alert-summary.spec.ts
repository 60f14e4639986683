import { describe, expect, it } from "vitest";
import { testAlert } from "../test/spec-alerts.js";
import { AlertSummary } from "./alert-summary.js";

describe("AlertSummary", () => {
  it("counts by priority (most severe first) and ranks rules", () => {
    const s = new AlertSummary();
    const t = "2026-01-01T00:00:00Z";
    for (let i = 0; i < 3; i++) s.add(testAlert("Shell", "Notice", t));
    s.add(testAlert("Miner", "Critical", t));
    s.add(testAlert("Etc", "Error", t));
    s.add(testAlert("Etc", "Error", t));
    expect(s.priorities()).toEqual([
      ["Critical", 1],
      ["Error", 2],
      ["Notice", 3],
    ]);
    expect(s.format(0)).toBe(
      "6 alerts: Critical 1, Error 2, Notice 3\ntop rules: Shell (3), Etc (2), Miner (1)\nloss: none reported",
    );
  });

  it("reports possible loss and an empty run", () => {
    const s = new AlertSummary();
    expect(s.format(2)).toBe("0 alerts\nloss: alerts may have been lost in 2 disconnections");
    expect(s.format(1)).toMatch(/in 1 disconnection$/);
  });

  it("says 1 alert, and reports drops and requests the receiver rejected", () => {
    const s = new AlertSummary();
    s.add(testAlert("Shell", "Notice", "2026-01-01T00:00:00Z"));
    expect(s.format(0)).toMatch(/^1 alert: Notice 1\n/);
    expect(
      s.format({
        possibleLosses: 1,
        dropped: 1,
        rejected: { "bad-body": 2, auth: 0, "content-type": 1 },
      }),
    ).toMatch(
      /\nloss: alerts may have been lost in 1 disconnection; 1 alert dropped \(the output fell behind\); 3 requests rejected by the receiver \(bad-body 2, content-type 1\)$/,
    );
  });
});
