import { describe, expect, it } from "vitest";
import { parseJsonExact } from "./exact-json.js";

describe("parseJsonExact", () => {
  it("keeps unsafe integers exact wherever they are, and leaves strings and floats alone", () => {
    const text =
      '{"a":1767225600000000000,"b":[-9007199254740993,{"c":18446744073709551615}],' +
      '"s":"x \\" 1767225600000000001 \\\\","t":"1767225600000000002","f":1.12345678901234567,' +
      '"e":12345678901234567e2,"n":9007199254740991,"z":null}';
    expect(parseJsonExact(text)).toEqual({
      a: 1767225600000000000n,
      b: [-9007199254740993n, { c: 18446744073709551615n }],
      s: 'x " 1767225600000000001 \\',
      t: "1767225600000000002",
      f: Number("1.12345678901234567"), // a float: a double, as JSON.parse gives
      e: Number("12345678901234567e2"),
      n: 9007199254740991,
      z: null,
    });
  });

  it("a text holding the escape \\u0000 is parsed exactly too", () => {
    expect(parseJsonExact('{"s":"\\u00000","a":1767225600000000000}')).toEqual({
      s: "\u00000",
      a: 1767225600000000000n,
    });
  });

  it("refuses what JSON.parse refuses, with its message", () => {
    for (const bad of [
      '{"a":1767225600000000000,}',
      '{"a":01767225600000000000}',
      "[1767225600000000000",
    ]) {
      expect(() => JSON.parse(bad)).toThrow();
      let message = "";
      try {
        JSON.parse(bad);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(() => parseJsonExact(bad)).toThrow(message);
    }
  });
});
