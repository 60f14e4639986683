import { expect, it } from "vitest";
import { linkedAlert } from "./alert-link.js";
import { apiFilters, viewOnly } from "./view-state.js";

it("reads the opened alert's cursor from a view URL, and nothing else", () => {
  expect(linkedAlert("?fold=off&alert=999999")).toBe(999999);
  expect(linkedAlert("?rule=x")).toBe(undefined);
  for (const bad of ["0", "-3", "1.5", "1e3", "", "abc", "12345678901234567"])
    expect(linkedAlert(`?alert=${bad}`)).toBe(undefined);
});

it("keeps the opened alert out of the API's filters (a view parameter)", () => {
  expect([...apiFilters("?rule=x&alert=7")]).toEqual([["rule", "x"]]);
  expect([...viewOnly("?rule=x&alert=7")]).toEqual([["alert", "7"]]);
});
