import { expect, it } from "vitest";
import {
  byRule,
  commonDirectory,
  fieldTexts,
  selectionChoices,
  selectionParams,
} from "./selection-exception.js";
import { pageAlert } from "./stored-alert.js";

let cursor = 0;
const alert = (rule: string, host: string, fields: Record<string, unknown> | string) =>
  pageAlert(
    ++cursor,
    `{"hostname":${JSON.stringify(host)},"output":"o","output_fields":${
      typeof fields === "string" ? fields : JSON.stringify(fields)
    },"priority":"Warning","rule":${JSON.stringify(rule)},"time":"2026-12-05T08:00:00Z"}`,
  );

it("reads output fields as text: strings, 64-bit integers exactly; no value, floats, objects left out", () => {
  const a = alert(
    "R",
    "h",
    '{"proc.name":"bash","proc.pid":18446744073709551615,"user.uid":0,"a":null,"b":"<NA>","c":"","d":1.5,"e":{"x":1},"f":"<b>x</b>"}',
  );
  expect([...fieldTexts(a)]).toEqual([
    ["proc.name", "bash"],
    ["user.uid", "0"],
    ["f", "<b>x</b>"],
  ]);
});

it("finds the common directory of paths, never / alone", () => {
  expect(commonDirectory(["/etc/cron.d/a", "/etc/cron.d/b"])).toBe("/etc/cron.d/");
  expect(commonDirectory(["/etc/cron.d/a", "/etc/cron.daily/b"])).toBe("/etc/");
  expect(commonDirectory(["/etc/passwd"])).toBe("/etc/");
  expect(commonDirectory(["/etc/a", "/var/b"])).toBeUndefined();
  expect(commonDirectory(["relative", "other"])).toBeUndefined();
  expect(commonDirectory([])).toBeUndefined();
});

it("groups the picked alerts by rule, the largest group first", () => {
  const alerts = [alert("B", "h", {}), alert("A", "h", {}), alert("B", "h", {})];
  expect(byRule(alerts).map(([rule, list]) => [rule, list.length])).toEqual([
    ["B", 2],
    ["A", 1],
  ]);
});

it("offers the shared fields: = for one value, in for a few, startswith for a path, the rest left out", () => {
  const alerts = [1, 2, 3, 4, 5, 6, 7].map((i) =>
    alert("R", i % 2 ? "node-a" : "node-b", {
      "k8s.ns.name": "ci",
      "proc.name": ["sh", "bash", "dash"][i % 3],
      "fd.name": `/etc/cron.d/job-${i}`,
      "proc.pid": 100 + i,
      ...(i < 7 && { "container.id": "abc" }),
    }),
  );
  const s = selectionChoices("R", alerts);
  expect(s.count).toBe(7);
  expect(s.choices.map((c) => [c.field, c.exact, c.values.length, c.prefix, c.suggested])).toEqual([
    ["evt.hostname", "in", 2, undefined, true],
    ["fd.name", undefined, 7, "/etc/cron.d/", true],
    ["k8s.ns.name", "=", 1, undefined, true],
    ["proc.name", "in", 3, undefined, true],
  ]);
  // container.id is missing from one alert: not shared. proc.pid has 7 values.
  expect(s.varying).toEqual([{ field: "proc.pid", distinct: 7 }]);
});

it("makes the preview's query: hostname and field values repeated for in, startswith once", () => {
  const params = selectionParams("R: a, b", [
    { field: "evt.hostname", comp: "in", values: ["node-a", "node-b"] },
    { field: "k8s.ns.name", comp: "=", values: ["ci"] },
    { field: "fd.name", comp: "startswith", prefix: "/etc/cron.d/" },
  ]);
  expect([...params]).toEqual([
    ["rule", "R: a, b"],
    ["hostname", "node-a"],
    ["hostname", "node-b"],
    ["field.k8s.ns.name", "ci"],
    ["startswith.fd.name", "/etc/cron.d/"],
  ]);
});
