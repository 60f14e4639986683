import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { type Alert, alertToJson, PRIORITIES, parseAlertJson } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import {
  type AlertInit,
  alertFromResponse,
  alertResponse,
  NA,
  nsFromTimestamp,
  responseFromAlert,
  timestampFromNs,
} from "./alert-wire.js";
import { responseSchema } from "./gen/falco/outputs_pb.js";
import { priority, source } from "./gen/falco/schema_pb.js";
import { decodeResponse } from "./response-decoder.js";
import {
  deprecatedSource,
  priorityFromWire,
  priorityToWire,
  sourceFromWire,
} from "./wire-enums.js";

/** The same alert as if it had come another way than gRPC: `responseFromAlert` translates it. */
const notFromGrpc = (alert: Alert): Alert => ({ ...alert, raw: { kind: "text", line: "" } });

describe("alertFromResponse", () => {
  const message = create(responseSchema, {
    time: { seconds: 1651447772n, nanos: 918828894 },
    priority: priority.Notice,
    sourceDeprecated: source.PLUGIN,
    rule: "Console Login Without MFA",
    output: "login",
    outputFields: { "ct.user": "alice" },
    hostname: "h",
    tags: ["aws"],
    source: "aws_cloudtrail",
  });

  it("maps a Falco 0.31+ message, preferring the source string", () => {
    const a = alertFromResponse(message);
    expect(a.timeNs).toBe(1651447772918828894n);
    expect(a.time.toISOString()).toBe("2022-05-01T23:29:32.918Z");
    expect(a.priority).toBe("Notice");
    expect(a.source).toBe("aws_cloudtrail");
    expect(a.raw).toEqual({ kind: "grpc", message });
  });

  it("falls back to the deprecated enum when field 9 is empty (Falco < 0.31)", () => {
    expect(alertFromResponse({ ...message, source: "" }).source).toBe("plugin");
    expect(
      alertFromResponse({ ...message, source: "", sourceDeprecated: source.K8S_AUDIT }).source,
    ).toBe("k8s_audit");
    expect(
      alertFromResponse({ ...message, source: "", sourceDeprecated: 9 as source }).source,
    ).toBe("unknown");
  });

  it("reads a message without time as the epoch, and times before 1970 exactly", () => {
    expect(alertFromResponse(create(responseSchema, {})).timeNs).toBe(0n);
    const before = alertFromResponse(alertResponse({ time: { seconds: -2n, nanos: 1 } }));
    expect(before.timeNs).toBe(-1_999_999_999n);
    expect(before.time.toISOString()).toBe("1969-12-31T23:59:58.000Z");
  });

  it("round-trips through Falco's JSON shape", () => {
    const json = JSON.stringify(alertToJson(alertFromResponse(message)));
    expect(JSON.parse(json).time).toBe("2022-05-01T23:29:32.918828894Z");
    const back = parseAlertJson(json);
    const { raw: _a, ...fromJson } = back;
    const { raw: _b, ...fromGrpc } = alertFromResponse(message);
    expect(fromJson).toEqual(fromGrpc);
  });
});

describe("responseFromAlert", () => {
  it("forwards a gRPC alert as the very message, unknown fields included", () => {
    const bytes = new Uint8Array([
      ...toBinary(responseSchema, alertResponse({ rule: "r" })),
      0x50,
      0x07,
    ]);
    const message = decodeResponse(bytes);
    const alert = alertFromResponse(message);
    expect(responseFromAlert(alert)).toBe(message);
    expect(toBinary(responseSchema, responseFromAlert(alert))).toEqual(bytes);
  });

  it("translates a JSON alert like Falco's gRPC output: text values, exact big integers, <NA>, plugin enum", () => {
    const alert = parseAlertJson(
      '{"time":"2022-05-01T23:29:32.918828894Z","priority":"Critical","rule":"R","output":"o",' +
        '"source":"okta","hostname":"h","tags":["b","a"],"output_fields":{"evt.time":1651447772918828894,' +
        '"proc.pid":4242,"fd.num":-1,"ratio":0.5,"evt.is_open_write":true,"user.name":null,"s":"x"}}',
    );
    const message = responseFromAlert(alert);
    expect(message.time).toMatchObject({ seconds: 1651447772n, nanos: 918828894 });
    expect(message.priority).toBe(priority.CRITICAL);
    expect(message.source).toBe("okta");
    expect(message.sourceDeprecated).toBe(source.PLUGIN);
    expect(message.tags).toEqual(["b", "a"]);
    expect(message.outputFields).toEqual({
      "evt.time": "1651447772918828894",
      "proc.pid": "4242",
      "fd.num": "-1",
      ratio: "0.5",
      "evt.is_open_write": "true",
      "user.name": NA,
      s: "x",
    });
    // Back from the wire: every value is text, the rest unchanged.
    const again = alertFromResponse(fromBinary(responseSchema, toBinary(responseSchema, message)));
    expect(again.outputFields["evt.time"]).toBe("1651447772918828894");
    const { raw: _a, outputFields: _f, ...rest } = again;
    const { raw: _b, outputFields: _g, ...expected } = alert;
    expect(rest).toEqual(expected);
  });

  it("writes every field of a message back, byte for byte, from the Alert alone", () => {
    const cases: AlertInit[] = [
      {
        time: { seconds: 1651447772n, nanos: 918828894 },
        priority: priority.DEBUG,
        sourceDeprecated: source.SYSCALL,
        rule: "Terminal shell in container",
        output: "23:29:32.918828894: Notice A shell",
        // In name order: the decoder gives output fields in name order whatever the wire order
        // (Falco's map writes them in hash order), so this order comes back byte for byte.
        outputFields: { "evt.time": "1651447772918828894", "k8s.ns.name": NA, "proc.name": "bash" },
        hostname: "node-1",
        tags: ["container", "shell"],
        source: "syscall",
      },
      { time: { seconds: -1n, nanos: 999_999_999 }, source: "k8s_audit", sourceDeprecated: 1 },
      { time: { seconds: 253402300799n, nanos: 1 }, source: "internal", sourceDeprecated: 2 },
      { time: { seconds: 1n << 40n }, source: "github", sourceDeprecated: source.PLUGIN },
      {
        time: {},
        priority: priority.EMERGENCY,
        sourceDeprecated: source.SYSCALL,
        source: "syscall",
      },
    ];
    for (const init of cases) {
      const bytes = toBinary(responseSchema, alertResponse(init));
      const alert = notFromGrpc(alertFromResponse(decodeResponse(bytes)));
      expect(toBinary(responseSchema, responseFromAlert(alert))).toEqual(bytes);
    }
  });

  it("gives a Falco < 0.31 message's alert the source name in field 9 as well", () => {
    const old = alertFromResponse(alertResponse({ rule: "r", sourceDeprecated: source.K8S_AUDIT }));
    const message = responseFromAlert(notFromGrpc(old));
    expect(message.source).toBe("k8s_audit");
    expect(message.sourceDeprecated).toBe(source.K8S_AUDIT);
  });
});

describe("the wire's enums and times", () => {
  it("maps every priority both ways, an unknown number to the nearest", () => {
    PRIORITIES.forEach((name, value) => {
      expect(priorityToWire(name)).toBe(value);
      expect(priorityFromWire(value)).toBe(name);
    });
    expect(priorityToWire("Warning")).toBe(priority.WARNING);
    expect(priorityFromWire(-3)).toBe("Emergency");
    expect(priorityFromWire(99)).toBe("Debug");
  });

  it("maps sources both ways: plugins are PLUGIN in field 3, their name in field 9", () => {
    for (const name of ["syscall", "k8s_audit", "internal"]) {
      expect(sourceFromWire("", deprecatedSource(name))).toBe(name);
    }
    expect(deprecatedSource("aws_cloudtrail")).toBe(source.PLUGIN);
    expect(sourceFromWire("", source.PLUGIN)).toBe("plugin");
    expect(sourceFromWire("aws_cloudtrail", source.PLUGIN)).toBe("aws_cloudtrail");
  });

  it("converts nanoseconds and Timestamps exactly, on both sides of 1970", () => {
    for (const ns of [
      0n,
      1n,
      -1n,
      1651447772918828894n,
      -62135596800_000_000_000n,
      (1n << 62n) + 7n,
    ]) {
      const ts = timestampFromNs(ns);
      expect(ts.nanos).toBeGreaterThanOrEqual(0);
      expect(ts.nanos).toBeLessThan(1_000_000_000);
      expect(nsFromTimestamp(ts)).toBe(ns);
    }
    expect(timestampFromNs(-1n)).toEqual({ seconds: -1n, nanos: 999_999_999 });
    expect(nsFromTimestamp(undefined)).toBe(0n);
  });
});
