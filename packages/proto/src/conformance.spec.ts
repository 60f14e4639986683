// Conformance of the generated code with protoc (Debian's protobuf-compiler),
// an independent protobuf implementation: vectors/*.bin were written by
// `protoc --encode` (vectors/make-vectors.sh) and are decoded here field by
// field; the reverse direction hands our encoding to `protoc --decode`.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { create, equals, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { responseSchema } from "./gen/falco/outputs_pb.js";
import { priority, source } from "./gen/falco/schema_pb.js";
import { responseSchema as versionResponseSchema } from "./gen/falco/version_pb.js";

const vectors = fileURLToPath(new URL("../vectors/", import.meta.url));
const protoRoot = fileURLToPath(new URL("../../../proto/", import.meta.url));
const vector = (name: string) => new Uint8Array(readFileSync(`${vectors}${name}.bin`));

function protoc(args: string[], input: Uint8Array | string): Buffer {
  return execFileSync("protoc", ["-I", protoRoot, "-I", "/usr/include", ...args], {
    cwd: protoRoot,
    input,
  });
}

describe("falco.outputs.response vectors from protoc", () => {
  it("decodes every field of a Falco 0.31+ alert", () => {
    const msg = fromBinary(responseSchema, vector("response-full"));
    expect(msg.time?.seconds).toBe(1651447772n);
    expect(msg.time?.nanos).toBe(918828894);
    expect(msg.priority).toBe(priority.WARNING);
    expect(msg.priority).toBe(4);
    expect(msg.sourceDeprecated).toBe(source.K8S_AUDIT);
    expect(msg.rule).toBe("Terminal shell in container");
    expect(msg.output).toMatch(/^23:29:32\.918828894: Warning A shell was spawned/);
    expect(msg.outputFields).toEqual({
      "container.id": "bfb9637a47a6",
      "evt.time": "1651447772918828894",
      "user.loginuid": "0",
      "container.image.repository": "<NA>",
      "proc.cmdline": 'bash -il "x=1" ünïcødé',
    });
    expect(msg.hostname).toBe("web-1");
    expect(msg.tags).toEqual(["container", "mitre_execution", "shell"]);
    expect(msg.source).toBe("k8s_audit");
  });

  it("decodes a pre-0.31 alert: no source string, the enum in field 3", () => {
    const msg = fromBinary(responseSchema, vector("response-legacy"));
    expect(msg.time?.seconds).toBe(1600000000n);
    expect(msg.time?.nanos).toBe(0);
    expect(msg.priority).toBe(priority.DEBUG);
    expect(msg.sourceDeprecated).toBe(source.PLUGIN);
    expect(msg.source).toBe("");
    expect(msg.tags).toEqual([]);
    expect(msg.outputFields).toEqual({});
    expect(msg.hostname).toBe("old-host");
  });

  it("decodes absent zero values as EMERGENCY and SYSCALL", () => {
    const bytes = vector("response-zero");
    expect([...bytes]).toEqual([0x22, 4, ...Buffer.from("Zero")]);
    const msg = fromBinary(responseSchema, bytes);
    expect(msg.priority).toBe(priority.EMERGENCY);
    expect(msg.sourceDeprecated).toBe(source.SYSCALL);
    expect(msg.time).toBeUndefined();
    expect(msg.rule).toBe("Zero");
  });

  it("keeps unknown enum values and unknown fields, and re-encodes them", () => {
    const w = new BinaryWriter();
    w.tag(2, WireType.Varint).int32(42); // a priority this SDK does not know
    w.tag(3, WireType.Varint).int32(9); // a source enum value from the future
    w.tag(100, WireType.LengthDelimited).string("field from a newer Falco");
    w.tag(101, WireType.Varint).uint64(7n);
    const bytes = new Uint8Array([...vector("response-full"), ...w.finish()]);
    const msg = fromBinary(responseSchema, bytes);
    expect(msg.priority).toBe(42);
    expect(msg.sourceDeprecated).toBe(9);
    expect(msg.rule).toBe("Terminal shell in container");
    const again = fromBinary(responseSchema, toBinary(responseSchema, msg));
    expect(again.priority).toBe(42);
    const unknownTags = (again.$unknown ?? []).map((u) => u.no);
    expect(unknownTags).toEqual([100, 101]);
  });
});

describe("falco.version.response vector from protoc", () => {
  it("decodes every field", () => {
    const msg = fromBinary(versionResponseSchema, vector("version-full"));
    expect({ ...msg, $typeName: undefined }).toEqual({
      $typeName: undefined,
      version: "0.43.1-rc2+abc123",
      major: 0,
      minor: 43,
      patch: 1,
      prerelease: "rc2",
      build: "abc123",
      engineMinor: 50,
      engineFieldsChecksum: "d7e1c6c5e1d0b8f2a6e9c3b1f0a7e8d2c4b6a9f1e3d5c7b9a1f2e4d6c8b0a2f4",
      engineMajor: 0,
      enginePatch: 2,
      engineVersion: "0.50.2",
    });
  });
});

describe("protobuf-es encoding read by protoc", () => {
  it("round-trips an alert through protoc --decode and --encode", () => {
    const original = create(responseSchema, {
      time: { seconds: 1700000000n, nanos: 123456789 },
      priority: priority.Critical,
      sourceDeprecated: source.PLUGIN,
      rule: "Contact K8S API Server From Container",
      output: "Unexpected connection to K8s API Server from container",
      outputFields: { "k8s.ns.name": "default", "k8s.pod.name": "web-0", "fd.sport": "443" },
      hostname: "node-3",
      tags: ["k8s", "network"],
      source: "k8s_audit",
    });
    const text = protoc(
      ["--decode=falco.outputs.response", "falco/outputs.proto"],
      toBinary(responseSchema, original),
    ).toString("utf8");
    expect(text).toContain("priority: CRITICAL");
    expect(text).toContain("source_deprecated: PLUGIN");
    expect(text).toContain('source: "k8s_audit"');
    expect(text).toContain("nanos: 123456789");
    expect(text).toContain('key: "k8s.pod.name"');
    const reencoded = protoc(["--encode=falco.outputs.response", "falco/outputs.proto"], text);
    expect(equals(responseSchema, fromBinary(responseSchema, reencoded), original)).toBe(true);
  });
});
