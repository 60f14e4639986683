import { describe, expect, it } from "vitest";
import { filterParams, rangeParams, timeParam } from "./query-params.js";

describe("query parameters", () => {
  it("maps a filter 1:1 to the server's parameters, repeatable, with not. for negation", () => {
    const params = filterParams({
      priority: ["Critical", "Error"],
      minPriority: "Warning",
      rule: ["Write below etc"],
      hostname: ["node-1"],
      source: ["syscall"],
      tag: ["mitre"],
      fields: { "k8s.ns.name": ["prod", "staging"] },
      text: "bash -c",
      not: { rule: ["Noisy"], fields: { "proc.name": ["sh"] } },
    });
    expect([...params]).toEqual([
      ["priority", "Critical"],
      ["priority", "Error"],
      ["minPriority", "Warning"],
      ["rule", "Write below etc"],
      ["hostname", "node-1"],
      ["source", "syscall"],
      ["tag", "mitre"],
      ["field.k8s.ns.name", "prod"],
      ["field.k8s.ns.name", "staging"],
      ["q", "bash -c"],
      ["not.rule", "Noisy"],
      ["not.field.proc.name", "sh"],
    ]);
    // Attacker-controlled values are only ever encoded, never interpreted.
    expect(filterParams({ rule: ["a&b=c#<x>"] }).toString()).toBe("rule=a%26b%3Dc%23%3Cx%3E");
  });

  it("writes a Date as RFC 3339 and passes a duration or time through", () => {
    expect(timeParam(new Date(Date.UTC(2026, 11, 1)))).toBe("2026-12-01T00:00:00.000Z");
    expect(timeParam("15m")).toBe("15m");
    expect(rangeParams({ since: "1h", until: "2026-12-01T00:00:00Z" }).toString()).toBe(
      "since=1h&until=2026-12-01T00%3A00%3A00Z",
    );
  });
});
