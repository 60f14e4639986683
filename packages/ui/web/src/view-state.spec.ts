import { expect, it } from "vitest";
import { apiFilters, formatSearch, parseSearch } from "./view-state.js";

it("reads field:value, negation and free text into the API's parameters", () => {
  const params = parseSearch(
    'rule:"Terminal shell in container" -proc.name:bash k8s.ns.name:prod -rule:x nc "a b"',
  );
  expect([...params]).toEqual([
    ["rule", "Terminal shell in container"],
    ["not.field.proc.name", "bash"],
    ["field.k8s.ns.name", "prod"],
    ["not.rule", "x"],
    ["q", "nc a b"],
  ]);
});

it("round-trips the search box through the URL", () => {
  const text = 'rule:"Write below etc" -field.x:1 hostname:node-a since:15m shell';
  const params = parseSearch(formatSearch(parseSearch(text)));
  expect(params.toString()).toBe(parseSearch(text).toString());
  expect(apiFilters(`?${params}&sort=asc`).has("sort")).toBe(false);
});
