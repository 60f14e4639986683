import { expect, it } from "vitest";
import { alertTimeMs, Fold, foldKey, formatSpan } from "./fold.js";
import { pageAlert } from "./stored-alert.js";

const at = (cursor: number, time: string, fields = '{"proc.name":"bash"}', rule = "R") =>
  pageAlert(
    cursor,
    `{"hostname":"h","output":"o","output_fields":${fields},"priority":"Warning","rule":"${rule}","time":"${time}"}`,
  );

it("reads Falco's nanosecond times to the millisecond, and nothing else", () => {
  expect(alertTimeMs("2026-12-05T08:00:01.123456789Z")).toBe(Date.UTC(2026, 11, 5, 8, 0, 1, 123));
  expect(alertTimeMs("2026-12-05T09:00:01+01:00")).toBe(Date.UTC(2026, 11, 5, 8, 0, 1));
  expect(alertTimeMs("yesterday")).toBeNaN();
});

it("keys on rule, host, the chosen fields' exact values and the window slot", () => {
  const t = "2026-12-05T08:01:00.000000000Z";
  const k = (a: ReturnType<typeof at>, fields: string[] = []) => foldKey(a, fields, 300_000);
  expect(k(at(1, t))).toBe(k(at(2, "2026-12-05T08:04:59.999Z")));
  expect(k(at(1, t))).not.toBe(k(at(2, "2026-12-05T08:05:00Z")));
  expect(k(at(1, t))).not.toBe(k(at(2, t, undefined, "S")));
  expect(k(at(1, t), ["proc.name"])).not.toBe(k(at(2, t, '{"proc.name":"sh"}'), ["proc.name"]));
  // Integers beyond 2^53 stay exact; a missing field, JSON null and the text "null" differ.
  const pid = (p: string) => k(at(1, t, `{"proc.pid":${p}}`), ["proc.pid"]);
  expect(pid("18446744073709551615")).not.toBe(pid("18446744073709551614"));
  expect(new Set([k(at(1, t, "{}"), ["x"]), pid("null"), pid('"null"')]).size).toBe(3);
  expect(pid("42")).toBe(pid("42"));
  expect(pid("4.5")).not.toBe(pid("4.50000000000000000001"));
  expect(pid('{"a":1}')).toBe(pid('{"a":1}'));
  // A rule name made to look like a key separator cannot join another fold.
  expect(k(at(1, t, "{}", 'a\\",\\"h'))).not.toBe(k(at(2, t, "{}", "a")));
  // An unreadable time folds with nothing.
  expect(k(at(1, "now"))).not.toBe(k(at(2, "now")));
});

it("says a span in seconds, minutes, hours and days", () => {
  expect([0, 45_400, 300_000, 252_000, 7_500_000, 259_200_000].map(formatSpan)).toEqual([
    "0 s",
    "45 s",
    "5 min",
    "4 min",
    "2.1 h",
    "3.0 d",
  ]);
});

it("holds its alerts oldest first, newer at the end and older at the front, dropping the oldest", () => {
  const fold = new Fold("k", at(10, "2026-12-05T08:01:00Z"));
  fold.pushNewer(at(11, "2026-12-05T08:01:30Z"));
  fold.pushOlder(at(9, "2026-12-05T08:00:30Z"));
  expect([fold.count, fold.oldest.cursor, fold.newest.cursor, fold.spanMs]).toEqual([
    3, 9, 11, 60_000,
  ]);
  expect(fold.row.alert.cursor).toBe(11);
  fold.dropOldest();
  fold.dropOldest();
  expect([fold.count, fold.oldest.cursor, fold.newest.cursor]).toEqual([1, 11, 11]);
  for (let c = 12; c < 3000; c++) fold.pushNewer(at(c, "2026-12-05T08:02:00Z"));
  for (let c = 11; c < 2990; c++) fold.dropOldest();
  expect([fold.count, fold.oldest.cursor, fold.newest.cursor]).toEqual([10, 2990, 2999]);
});
