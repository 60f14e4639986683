// @falco-sdk/proto's one wire <-> Alert conversion over every fixture rule (syscall, k8s_audit,
// internal and the aws_cloudtrail, okta and github plugins), and its fast decoder over a
// thousand realistic alerts: here, since this package (the fixtures) depends on proto.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { alertToJson, parseAlertJson } from "@falco-sdk/core";
import {
  alertFromResponse,
  alertResponse,
  decodeResponse,
  responseFromAlert,
} from "@falco-sdk/proto";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { source } from "@falco-sdk/proto/schema";
import { describe, expect, it } from "vitest";
// decodeUsual is no public API: the fast path alone, to check the fixtures take it.
import { decodeUsual } from "../../proto/src/response-decoder.js";
import { createAlertGenerator } from "./alert-generator.js";
import { FIXTURE_RULES } from "./fixtures.js";
import { createPrng } from "./prng.js";

const encode = (init: Parameters<typeof alertResponse>[0]) =>
  toBinary(responseSchema, alertResponse(init));

/** Both decoders give the same message, or both throw. */
function expectSame(bytes: Uint8Array) {
  let expected: unknown;
  try {
    expected = fromBinary(responseSchema, bytes);
  } catch {
    expect(() => decodeResponse(bytes)).toThrow();
    return;
  }
  expect(decodeResponse(bytes)).toStrictEqual(expected);
}

describe("fixture alerts through the wire conversion", () => {
  const generator = createAlertGenerator({ seed: 7, startTime: 1651447772918828894n });
  const inits = [...FIXTURE_RULES.map((rule) => generator.next(rule.rule)), ...generator.take(150)];

  it("read as the Alert the fixture describes: exact times and big integers, plugin sources by name", () => {
    for (const init of inits) {
      const bytes = encode(init);
      const alert = alertFromResponse(decodeResponse(bytes));
      const rule = FIXTURE_RULES.find((r) => r.rule === init.rule);
      expect(alert.source).toBe(rule?.source);
      expect(alert.priority).toBe(rule?.priority);
      const { seconds, nanos } = alertResponse(init).time ?? { seconds: 0n, nanos: 0 };
      expect(alert.timeNs).toBe(seconds * 1_000_000_000n + BigInt(nanos));
      if (alert.source !== "internal") {
        // evt.time: nanoseconds past 2^53, exact as text
        expect(alert.outputFields["evt.time"]).toBe(alert.timeNs.toString());
        expect(alert.timeNs).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
      }
      const plugin = !["syscall", "k8s_audit", "internal"].includes(alert.source);
      expect(init.sourceDeprecated === source.PLUGIN).toBe(plugin);
    }
  });

  it("write back byte for byte: from the Alert, and from its Falco JSON parsed again", () => {
    for (const init of inits) {
      const bytes = encode(init);
      const alert = alertFromResponse(decodeResponse(bytes));
      expect(toBinary(responseSchema, responseFromAlert(alert))).toEqual(bytes);
      const { raw: _raw, ...fields } = alert;
      const fromText = { ...fields, raw: { kind: "text", line: alert.output } } as const;
      expect(toBinary(responseSchema, responseFromAlert(fromText))).toEqual(bytes);
      const fromJson = parseAlertJson(JSON.stringify(alertToJson(alert)));
      expect(fromJson.raw.kind).toBe("json");
      expect(toBinary(responseSchema, responseFromAlert(fromJson))).toEqual(bytes);
    }
  });
});

describe("decodeResponse on realistic alerts", () => {
  it("equals fromBinary on a thousand of them, all on the fast path", () => {
    for (const alert of createAlertGenerator({ seed: 3 }).take(1000)) {
      expectSame(encode(alert));
      expect(decodeUsual(encode(alert))).toBeDefined(); // the fast path, not the fallback
    }
  });

  it("equals fromBinary on truncated and corrupted ones", () => {
    const prng = createPrng(11);
    const alerts = createAlertGenerator({ seed: 5 }).take(50).map(encode);
    for (const bytes of alerts) {
      for (let cut = 0; cut < bytes.length; cut += 7) expectSame(bytes.subarray(0, cut));
      for (let i = 0; i < 40; i++) {
        const copy = bytes.slice();
        copy[Math.floor(prng.next() * copy.length)] = Math.floor(prng.next() * 256);
        expectSame(copy);
      }
    }
  });
});
