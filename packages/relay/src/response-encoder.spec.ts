// The hand-written encoder writes the very bytes protobuf-es's toBinary writes for
// responseFromAlert(alert): for Falco JSON alerts (http_output) and gRPC alerts, with
// multi-byte text, long strings and maps, null / number / big integer / boolean fields,
// empty values, times before 1970, and gRPC messages with fields this SDK does not know.
import { create, toBinary } from "@bufbuild/protobuf";
import { alertFromResponse } from "@falco-sdk/client";
import { type Alert, parseAlertJson } from "@falco-sdk/core";
import { responseFromAlert } from "@falco-sdk/proto";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { createAlertGenerator, falcoJsonLine } from "@falco-sdk/testing/fixtures";
import { describe, expect, it } from "vitest";
import { encodeResponseFrame } from "./response-encoder.js";

function expectSameBytes(alert: Alert): void {
  const expected = toBinary(responseSchema, responseFromAlert(alert));
  const frame = encodeResponseFrame(alert);
  expect(frame[0]).toBe(0);
  expect(frame.readUInt32BE(1)).toBe(expected.length);
  expect(Buffer.from(frame.subarray(5)).equals(Buffer.from(expected))).toBe(true);
}

describe("encodeResponseFrame", () => {
  it("writes toBinary's bytes for 500 generated alerts, as gRPC messages and as Falco JSON", () => {
    for (const init of createAlertGenerator({ seed: 11 }).take(500)) {
      expectSameBytes(alertFromResponse(create(responseSchema, init)));
      expectSameBytes(parseAlertJson(falcoJsonLine(init)));
    }
  });

  it("writes toBinary's bytes for edge cases", () => {
    const long = "é€😀x".repeat(5000);
    const json = (fields: Record<string, unknown>) =>
      parseAlertJson({
        rule: "r",
        priority: "Emergency",
        time: "1969-12-31T23:59:58.5Z",
        output: "",
        output_fields: fields,
        hostname: "",
        tags: ["", "b", long],
        source: "",
      });
    expectSameBytes(
      json({ a: null, b: 1, c: 1.5, d: true, e: "", f: long, "": "", 7: "int-like key" }),
    );
    expectSameBytes(
      parseAlertJson(
        '{"rule":"r","priority":"Debug","time":"2024-01-01T00:00:00Z","output":"o","output_fields":{"evt.time":1700000000123456789,"n":-3},"source":"aws_cloudtrail"}',
      ),
    );
    expectSameBytes(json({}));
    const withUnknown = create(responseSchema, { rule: "r", outputFields: { k: long } });
    withUnknown.$unknown = [{ no: 99, wireType: 2, data: new Uint8Array([1, 65]) }];
    expectSameBytes(alertFromResponse(withUnknown));
    expectSameBytes(alertFromResponse(create(responseSchema, { rule: "no time" })));
    expectSameBytes(
      alertFromResponse(
        create(responseSchema, {
          time: { seconds: -5n, nanos: 999_999_999 },
          priority: 7,
          sourceDeprecated: 3,
          outputFields: { [long]: long },
        }),
      ),
    );
  });
});
