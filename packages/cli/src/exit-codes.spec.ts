import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EXIT_STATUS_HELP, EXIT_STATUSES, exitStatusMarkdown } from "./exit-codes.js";

/** The rows of a Markdown table, each cell trimmed (alignment padding does not matter). */
function tableRows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !/^\|(\s*:?-+:?\s*\|)+$/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split("|")
        .map((cell) => cell.trim()),
    );
}

describe("the exit status table", () => {
  it("is the README's table, row for row", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = /\n## Exit status\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? "";
    expect(tableRows(section)).toEqual(tableRows(exitStatusMarkdown()));
  });

  it("is printed at the end of --help, every status in order", () => {
    const statuses = [...EXIT_STATUS_HELP.matchAll(/^ {2}(\d+) /gm)].map((m) => Number(m[1]));
    expect(statuses).toEqual(EXIT_STATUSES.map((row) => row.status));
    for (const line of EXIT_STATUS_HELP.split("\n")) expect(line.length).toBeLessThanOrEqual(80);
  });
});
