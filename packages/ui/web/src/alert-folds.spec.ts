import { expect, it } from "vitest";
import { AlertFolds } from "./alert-folds.js";
import { AlertList } from "./alert-list.js";
import { DEFAULT_FOLD } from "./fold-settings.js";
import { pageAlert } from "./stored-alert.js";

/** Alert `cursor` of rule `rule`, `seconds` after 08:00, with proc.name `proc`. */
const alert = (cursor: number, rule: string, seconds: number, proc = "bash") =>
  pageAlert(
    cursor,
    JSON.stringify({
      hostname: "h",
      output: `o${cursor}`,
      output_fields: { "proc.name": proc },
      priority: "Warning",
      rule,
      time: new Date(Date.UTC(2026, 11, 5, 8, 0, seconds)).toISOString(),
    }),
  );

function folded(capacity: number, settings = DEFAULT_FOLD) {
  const folds = new AlertFolds(settings);
  const list = new AlertList(capacity, {
    newer: (a) => folds.addNewer(a),
    older: (a) => folds.addOlder(a),
    dropped: (a) => folds.drop(a),
    cleared: () => folds.clear(),
  });
  /** Each row as "rule×count" (folds) or "  cursor" (raw alerts of an open fold). */
  const rows = (ascending = false) =>
    Array.from({ length: folds.rowCount(ascending) }, (_, i) => {
      const r = folds.row(i, ascending);
      return r?.kind === "member" ? `  ${r.alert.cursor}` : `${r?.alert.rule}×${r?.fold.count}`;
    });
  return { folds, list, rows };
}

it("folds the same rule and host within a window; a live alert joins its fold, which goes on top", () => {
  const { folds, list, rows } = folded(100);
  list.addOlder([alert(4, "A", 40), alert(3, "B", 30), alert(2, "A", 20), alert(1, "A", 400)]);
  expect(rows()).toEqual(["A×2", "B×1", "A×1"]);
  list.addNewer([alert(5, "B", 50), alert(6, "C", 60)]);
  expect(rows()).toEqual(["C×1", "B×2", "A×2", "A×1"]);
  list.addNewer([alert(7, "A", 70)]);
  expect(rows()).toEqual(["A×3", "C×1", "B×2", "A×1"]);
  expect(rows(true)).toEqual(["A×1", "B×2", "C×1", "A×3"]);
  const a = folds.row(0, false);
  expect([a?.alert.cursor, a?.fold.spanMs]).toEqual([7, 50_000]);
});

it("shows an open fold's raw alerts under it, newest first (oldest first ascending)", () => {
  const { folds, list, rows } = folded(100);
  list.addNewer([alert(1, "A", 1), alert(2, "B", 2), alert(3, "A", 3), alert(4, "A", 4)]);
  const fold = folds.row(0, false)?.fold;
  if (!fold) throw new Error("no fold");
  folds.setExpanded(fold, true);
  expect(rows()).toEqual(["A×3", "  4", "  3", "  1", "B×1"]);
  expect(rows(true)).toEqual(["B×1", "A×3", "  1", "  3", "  4"]);
  const member = folds.row(2, false);
  if (!member) throw new Error("no row");
  list.addNewer([alert(5, "B", 5)]);
  expect(rows()).toEqual(["B×2", "A×3", "  4", "  3", "  1"]);
  expect(folds.indexOf(member, false)).toBe(3);
  expect(folds.indexOf(fold.row, false)).toBe(1);
});

it("keys on the chosen fields too, and folds again when they change", () => {
  const { folds, list, rows } = folded(100);
  list.addNewer([alert(1, "A", 1, "sh"), alert(2, "A", 2, "bash"), alert(3, "A", 3, "sh")]);
  expect(rows()).toEqual(["A×3"]);
  folds.refold({ ...DEFAULT_FOLD, fields: ["proc.name"] }, list);
  expect(rows()).toEqual(["A×2", "A×1"]);
  expect(folds.row(1, false)?.alert.cursor).toBe(2);
  folds.refold({ ...DEFAULT_FOLD, window: "1s", windowMs: 1000 }, list);
  expect(rows()).toEqual(["A×1", "A×1", "A×1"]);
});

it("holds no alert the list dropped: bounded like the list", () => {
  const { folds, list, rows } = folded(1000);
  for (let c = 1; c <= 50_000; c += 100)
    list.addNewer(
      Array.from({ length: 100 }, (_, i) => alert(c + i, (c + i) % 7 === 0 ? "B" : "A", 0)),
    );
  expect(list.length).toBe(1000);
  // 49,001 to 50,000 are held: 142 multiples of 7 among them.
  expect(rows()).toEqual(["A×858", "B×142"]);
  expect(folds.row(0, false)?.fold.oldest.cursor).toBe(49_001);
  list.clear();
  expect([folds.rowCount(false), folds.folds]).toEqual([0, 0]);
});
