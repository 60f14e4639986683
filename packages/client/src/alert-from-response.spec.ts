import { create } from "@bufbuild/protobuf";
import { alertToJson, parseAlertJson } from "@falco-sdk/core";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { priority, source } from "@falco-sdk/proto/schema";
import { describe, expect, it } from "vitest";
import { alertFromResponse } from "./alert-from-response.js";

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
    expect(a.priority).toBe("Notice");
    expect(a.source).toBe("aws_cloudtrail");
    expect(a.raw).toEqual({ kind: "grpc", message });
  });

  it("falls back to the deprecated enum when field 9 is empty (Falco < 0.31)", () => {
    expect(alertFromResponse({ ...message, source: "" }).source).toBe("plugin");
    expect(
      alertFromResponse({ ...message, source: "", sourceDeprecated: source.K8S_AUDIT }).source,
    ).toBe("k8s_audit");
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
