import { describe, expect, it } from "vitest";
import { formatAlertJson, parseAlertJson, tryParseAlertLine } from "./alert-json.js";
import { AlertParseError, FalcoError } from "./errors.js";

// The alert of the spec's section 2, as Falco's json_output writes it.
const SPEC_LINE =
  '{"hostname":"web-1","output":"16:17:57.881781397: Warning Shell spawned (user=root ...)",' +
  '"output_fields":{"container.id":"bfb9637a47a6","evt.time":1651447772918828894,"proc.cmdline":"bash",' +
  '"user.loginuid":0,"user.name":"root","container.image.repository":null},' +
  '"priority":"Warning","rule":"Terminal shell in container","source":"syscall",' +
  '"tags":["container","mitre_execution","shell"],"time":"2022-05-01T23:29:32.918828894Z"}';

describe("parseAlertJson", () => {
  it("reads every field of Falco's JSON alert, keeping JSON types and exact nanoseconds", () => {
    const a = parseAlertJson(SPEC_LINE);
    expect(a.timeNs).toBe(1651447772918828894n);
    expect(a.time.toISOString()).toBe("2022-05-01T23:29:32.918Z");
    expect(a.priority).toBe("Warning");
    expect(a.rule).toBe("Terminal shell in container");
    expect(a.hostname).toBe("web-1");
    expect(a.source).toBe("syscall");
    expect(a.tags).toEqual(["container", "mitre_execution", "shell"]);
    expect(a.outputFields["user.loginuid"]).toBe(0);
    expect(a.outputFields["container.image.repository"]).toBeNull();
    expect(a.raw.kind).toBe("json");
  });

  it("accepts older Falco without hostname, tags or source, and priority in any case", () => {
    const a = parseAlertJson({
      output: "x",
      priority: "CRITICAL",
      rule: "r",
      time: "2020-01-01T00:00:00Z",
      output_fields: {},
    });
    expect([a.priority, a.hostname, a.tags, a.source, a.timeNs]).toEqual([
      "Critical",
      "",
      [],
      "syscall",
      1577836800000000000n,
    ]);
  });

  it.each([
    ["not json", /not JSON/],
    ["[1,2]", /JSON object/],
    ['{"priority":"Warning","time":"2020-01-01T00:00:00Z"}', /"rule"/],
    ['{"rule":"r","priority":"Loud","time":"2020-01-01T00:00:00Z"}', /"priority"/],
    ['{"rule":"r","priority":"Warning","time":"yesterday"}', /"time"/],
    ['{"rule":"r","priority":"Warning","time":"2020-01-01T00:00:00Z","tags":"a"}', /"tags"/],
  ])("rejects %s with a reason", (input, reason) => {
    let error: unknown;
    try {
      parseAlertJson(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AlertParseError);
    expect(error).toBeInstanceOf(FalcoError);
    expect((error as Error).message).toMatch(reason);
  });

  it("skips journal lines that are not alerts", () => {
    expect(
      tryParseAlertLine("Falco initialized with configuration file /etc/falco/falco.yaml"),
    ).toBe(undefined);
    expect(tryParseAlertLine(`May 01 19:29:32 macmini2 falco[26888]: ${SPEC_LINE}`)?.rule).toBe(
      "Terminal shell in container",
    );
  });
});

describe("integers beyond 2^53 (falco#3522)", () => {
  const BIG =
    '{"rule":"r","priority":"Warning","time":"2022-05-01T23:29:32.918828894Z","output":"o",';

  it("keeps evt.time and other 64-bit integers exact, as bigints", () => {
    const a = parseAlertJson(SPEC_LINE);
    expect(a.outputFields["evt.time"]).toBe(1651447772918828894n);
    const b = parseAlertJson(
      `${BIG}"output_fields":{"evt.num":9007199254740993,"neg":-9223372036854775808,"safe":9007199254740991,"f":0.1}}`,
    );
    expect(b.outputFields).toEqual({
      "evt.num": 9007199254740993n,
      neg: -9223372036854775808n,
      safe: 9007199254740991,
      f: 0.1,
    });
  });

  it("reads digits inside strings and long floats as before", () => {
    const a = parseAlertJson(
      `${BIG}"output_fields":{"id":"12345678901234567890","x":1.2345678901234567890}}`,
    );
    expect(a.outputFields).toEqual({
      id: "12345678901234567890",
      x: Number("1.2345678901234567890"),
    });
  });

  it("round-trips them through formatAlertJson, byte for byte", () => {
    expect(formatAlertJson(parseAlertJson(SPEC_LINE))).toBe(SPEC_LINE);
    const line = `${BIG}"output_fields":{"a":18446744073709551615,"b":"x"}}`;
    const again = parseAlertJson(formatAlertJson(parseAlertJson(line)));
    expect(again.outputFields.a).toBe(18446744073709551615n);
  });
});
