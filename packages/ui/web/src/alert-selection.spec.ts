import { expect, it } from "vitest";
import { AlertSelection } from "./alert-selection.js";
import { pageAlert } from "./stored-alert.js";

const at = (cursor: number, rule: string) =>
  pageAlert(
    cursor,
    `{"hostname":"h","output":"o","output_fields":{},"priority":"Warning","rule":"${rule}","time":"2026-12-05T08:00:00Z"}`,
  );

it("picks and unpicks alerts by cursor, counts them and their rules, keeps them newest first", () => {
  let changes = 0;
  const s = new AlertSelection(() => changes++);
  const [a, b, c] = [at(1, "R"), at(2, "S"), at(3, "R")];
  s.set([a, b, c], true);
  expect(s.size).toBe(3);
  expect(s.describe()).toBe("3 alerts selected (2 rules)");
  expect(s.alerts().map((x) => x.cursor)).toEqual([3, 2, 1]);
  s.set([b], false);
  expect(s.has(2)).toBe(false);
  expect(s.countOf([a, b, c])).toBe(2);
  expect(s.describe()).toBe("2 alerts selected (1 rule)");
  s.set([a], true); // picking twice keeps one
  expect(s.size).toBe(2);
  s.clear();
  expect(s.size).toBe(0);
  expect(changes).toBe(4);
});
