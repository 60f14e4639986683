import { expect, it } from "vitest";
import {
  cellText,
  formatLossless,
  JsonObject,
  JsonSyntaxError,
  parseLossless,
} from "./lossless-json.js";
import { parseAlertsPage } from "./stored-alert.js";

it("keeps big integers and key order exactly", () => {
  const text = `{"b":18446744073709551615,"10":1.50,"a":[-9007199254740993,true,null,"x\\u0041"],"2":{}}`;
  const value = parseLossless(text) as JsonObject;
  expect(value.entries.map(([k]) => k)).toEqual(["b", "10", "a", "2"]);
  expect(formatLossless(value, 0).replaceAll("\n", "")).toBe(
    `{"b": 18446744073709551615,"10": 1.50,"a": [-9007199254740993,true,null,"xA"],"2": {}}`,
  );
  expect(formatLossless(value)).toContain('\n  "b": 18446744073709551615,\n');
});

it("refuses what is not JSON", () => {
  for (const bad of ["{", '{"a":}', "[1,]", '"\u0001"', "01", "{} x", "tru"])
    expect(() => parseLossless(bad)).toThrow(JsonSyntaxError);
});

it("shows cells as text", () => {
  expect(cellText("<b>")).toBe("<b>");
  expect(cellText(undefined)).toBe("");
  expect(cellText(parseLossless("[1,2]"))).toBe("[1,2]");
});

it("cuts a page of the API into each alert's exact text", () => {
  const a = `{"output":"x","priority":"Warning","rule":"R","time":"t","output_fields":{"n":18446744073709551615},"tags":["a"]}`;
  const page = parseAlertsPage(`{"alerts":[{"cursor":7,"alert":${a}}],"next":6}`);
  expect(page.next).toBe(6);
  expect(page.alerts[0]).toMatchObject({ cursor: 7, json: a, rule: "R", tags: ["a"] });
  expect(parseAlertsPage(`{"alerts":[],"next":null}`)).toEqual({ alerts: [], next: null });
  expect(parseLossless("{}")).toBeInstanceOf(JsonObject);
});
