import { expect, it } from "vitest";
import {
  comparePriority,
  isAtLeast,
  PRIORITIES,
  parsePriority,
  priorityLevel,
} from "./priority.js";

it("parses Falco's names in any case, 'info', and Falco's numbers", () => {
  expect([parsePriority("WARNING"), parsePriority(" warning "), parsePriority("info")]).toEqual([
    "Warning",
    "Warning",
    "Informational",
  ]);
  expect([parsePriority(0), parsePriority(7), parsePriority(8), parsePriority("loud")]).toEqual([
    "Emergency",
    "Debug",
    undefined,
    undefined,
  ]);
});

it("orders from most to least severe, with Falco's numbers", () => {
  expect(PRIORITIES.map(priorityLevel)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(
    ["Debug", "Critical", "Warning"].sort((a, b) => comparePriority(a as never, b as never)),
  ).toEqual(["Critical", "Warning", "Debug"]);
  expect([isAtLeast("Error", "Warning"), isAtLeast("Warning", "Warning")]).toEqual([true, true]);
  expect(isAtLeast("Notice", "Warning")).toBe(false);
});
