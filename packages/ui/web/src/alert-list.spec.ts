import { expect, it } from "vitest";
import { AlertList } from "./alert-list.js";
import { pageAlert } from "./stored-alert.js";
import { visibleRange } from "./visible-range.js";

const alert = (cursor: number) => pageAlert(cursor, `{"rule":"r${cursor}"}`);

it("holds each cursor once, newest first, within its capacity", () => {
  const list = new AlertList(4);
  expect(list.addOlder([alert(5), alert(4)])).toBe(2);
  expect(list.addNewer([alert(6), alert(7), alert(6)])).toBe(2);
  expect([list.newest, list.oldest, list.length]).toEqual([7, 4, 4]);
  expect(list.addNewer([alert(8)])).toBe(1);
  expect([list.newest, list.oldest, list.length, list.full]).toEqual([8, 5, 4, true]);
  expect(list.addOlder([alert(3)])).toBe(0);
  expect(list.addNewer([alert(4)])).toBe(1);
  list.clear();
  expect([list.length, list.newest]).toEqual([0, 0]);
});

it("puts in the DOM the rows in view and a few around, whatever the length", () => {
  expect(visibleRange(0, 280, 28, 1_000_000)).toEqual({ first: 0, end: 19 });
  expect(visibleRange(28 * 500_000, 280, 28, 1_000_000)).toEqual({ first: 499_992, end: 500_019 });
  expect(visibleRange(28 * 999_990, 280, 28, 1_000_000)).toEqual({
    first: 999_982,
    end: 1_000_000,
  });
  expect(visibleRange(0, 280, 28, 0)).toEqual({ first: 0, end: 0 });
});
