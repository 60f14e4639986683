import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { testAlert } from "../test/spec-alerts.js";
import { fitWidth } from "./live-screen.js";
import { RuleStatsTable } from "./rule-stats.js";
import { renderStatsTable } from "./stats-table.js";

function sample(): RuleStatsTable {
  const table = new RuleStatsTable();
  const t = "2026-01-01T10:20:30.123456789Z";
  for (let i = 0; i < 12; i++)
    table.add(testAlert("Terminal shell in container", "Notice", t, "web-1"));
  for (const host of ["a", "b", "c", "d", "e"])
    table.add(testAlert("Read sensitive file", "Warning", t, host));
  table.add(testAlert("x".repeat(80), "Critical", t));
  return table;
}

describe("renderStatsTable", () => {
  it("prints a header, one row per rule by count, and a footer", () => {
    const lines = renderStatsTable(sample());
    expect(lines[0]).toMatch(/^COUNT {2}PRIORITY +RULE +LAST SEEN \(UTC\) +HOSTS$/);
    expect(lines[1]).toMatch(
      /^ {3}12 {2}Notice +Terminal shell in container +2026-01-01 10:20:30 {2}web-1$/,
    );
    expect(lines[2]).toMatch(
      /^ {4}5 {2}Warning +Read sensitive file +2026-01-01 10:20:30 {2}a,b,c,\+2$/,
    );
    expect(lines[3]).toMatch(/^ {4}1 {2}Critical +x{47}… {2}2026-01-01 10:20:30 {2}$/);
    expect(lines.at(-1)).toBe("18 alerts, 3 rules");
    expect(lines).toHaveLength(5);
  });

  it("limits the rows and says how many are hidden", () => {
    const lines = renderStatsTable(sample(), { limit: 1 });
    expect(lines).toHaveLength(3);
    expect(lines.at(-1)).toBe("18 alerts, 3 rules (2 not shown)");
  });

  it("colours only when asked, with the same text", () => {
    const plain = renderStatsTable(sample());
    const coloured = renderStatsTable(sample(), { color: true });
    expect(plain.join("\n")).not.toContain("\x1b");
    expect(coloured.join("\n")).toContain("\x1b[");
    expect(coloured.map((l) => stripVTControlCharacters(l))).toEqual(plain);
  });
});

describe("fitWidth", () => {
  it("cuts visible characters and keeps colour codes", () => {
    expect(fitWidth("abcdef", 3)).toBe("abc");
    expect(fitWidth("ab", 3)).toBe("ab");
    const red = "\x1b[31mhello\x1b[39m world";
    const cut = fitWidth(red, 4);
    expect(stripVTControlCharacters(cut)).toBe("hell");
    expect(cut.endsWith("\x1b[39m")).toBe(true);
  });
});
