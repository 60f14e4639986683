import { toBinary } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { responseSchema } from "./gen/falco/version_pb.js";
import { falcoVersionFromResponse, versionFields, versionResponse } from "./version-wire.js";

describe("version answers", () => {
  it("reads Falco 0.43's answer, with what it supports", () => {
    const v = falcoVersionFromResponse(
      versionResponse({
        version: "0.43.1",
        minor: 43,
        patch: 1,
        engineMinor: 50,
        engineVersion: "0.50.0",
      }),
    );
    expect(v).toMatchObject({
      version: "0.43.1",
      minor: 43,
      engineVersion: "0.50.0",
      supports: { sourceField: true, engineSemver: true, grpcOutput: true },
    });
  });

  it("builds the engine version of a Falco before 0.37 from its numbers", () => {
    const v = falcoVersionFromResponse(
      versionResponse({ version: "0.30.0", minor: 30, engineMinor: 11 }),
    );
    expect(v.engineVersion).toBe("0.11.0");
    expect(v.supports).toEqual({ sourceField: false, engineSemver: false, grpcOutput: true });
    expect(falcoVersionFromResponse(versionResponse({ minor: 44 })).supports.grpcOutput).toBe(
      false,
    );
  });

  it("keeps the message, and gives plain fields that build the same message", () => {
    const message = versionResponse({ version: "1.2.3-rc1+x", major: 1, minor: 2, patch: 3 });
    expect(falcoVersionFromResponse(message).raw).toBe(message);
    const fields = versionFields(message);
    expect(fields).not.toHaveProperty("$typeName");
    expect(fields.engineFieldsChecksum).toBe("");
    expect(toBinary(responseSchema, versionResponse(fields))).toEqual(
      toBinary(responseSchema, message),
    );
  });
});
