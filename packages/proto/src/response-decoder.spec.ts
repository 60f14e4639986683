import { readFileSync } from "node:fs";
// The hand-written decoder against protobuf-es's fromBinary, which it must equal exactly.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { describe, expect, it } from "vitest";
import { responseSchema } from "./gen/falco/outputs_pb.js";
import { decodeResponse, decodeUsual } from "./response-decoder.js";

// A thousand realistic alerts (@falco-sdk/testing's generator), truncated and corrupted: the
// testing package's wire-round-trip.spec.ts (testing depends on this package, not the reverse).

/** Both decoders give the same message, or both throw. */
function expectSame(bytes: Uint8Array) {
  let expected: unknown;
  try {
    expected = fromBinary(responseSchema, bytes);
  } catch {
    expect(() => decodeResponse(bytes)).toThrow();
    return;
  }
  const actual = decodeResponse(bytes);
  expect(actual).toStrictEqual(expected);
}

const encode = (init: Parameters<typeof create<typeof responseSchema>>[1]) =>
  toBinary(responseSchema, create(responseSchema, init));

describe("decodeResponse", () => {
  it("equals fromBinary on edge values", () => {
    const cases = [
      {},
      { time: {} },
      { time: { seconds: -1n, nanos: -5 } },
      { time: { seconds: -62135596800n, nanos: 999_999_999 } },
      { time: { seconds: 253402300799n, nanos: 1 } },
      { time: { seconds: 9_223_372_036_854_775_807n } },
      { time: { seconds: 1n << 48n }, priority: 7 },
      { priority: -1, sourceDeprecated: 2_000_000_000 },
      { rule: "\ufeffBOM first", output: "ünïcødé ✓ 🦅", hostname: "a\u00e9b" },
      { outputFields: { "": "", "proc.name": "", "user.name": "<NA>", __proto__: "x" } },
      { tags: ["", "b", "b"], source: "aws_cloudtrail" },
    ];
    for (const init of cases) {
      expectSame(encode(init as never));
      expect(decodeUsual(encode(init as never))).toBeDefined();
    }
  });

  it("lists output fields in name order, whatever order Falco's hash map wrote them in", () => {
    // Falco's C++ map writes the fields of each alert in a different order.
    const entries = [
      ["proc.name", "bash"],
      ["evt.time", "1700000000000000000"],
      ["user.name", "root"],
      ["container.id", "host"],
      ["fd.name", "/etc/shadow"],
      ["evt.type", "openat"],
    ];
    // Every rotation of the fields, each also reversed (proto cannot use testing's PRNG).
    const orders = entries.flatMap((_, i) => {
      const rotated = [...entries.slice(i), ...entries.slice(0, i)];
      return [rotated, [...rotated].reverse()];
    });
    const sorted = entries.map(([key]) => key as string).sort();
    for (const order of orders) {
      const w = new BinaryWriter();
      w.tag(4, WireType.LengthDelimited).string("Read sensitive file untrusted");
      for (const [key, value] of order) {
        w.tag(6, WireType.LengthDelimited).fork();
        w.tag(1, WireType.LengthDelimited).string(key as string);
        w.tag(2, WireType.LengthDelimited)
          .string(value as string)
          .join();
      }
      const bytes = w.finish();
      expectSame(bytes);
      expect(Object.keys(decodeResponse(bytes).outputFields)).toEqual(sorted);
    }
  });

  it("keeps the last of repeated output field keys, as fromBinary does", () => {
    const w = new BinaryWriter();
    for (const [key, value] of [
      ["b", "1"],
      ["a", "x"],
      ["b", "2"],
      ["a", "y"],
      ["c", "z"],
    ]) {
      w.tag(6, WireType.LengthDelimited).fork();
      w.tag(1, WireType.LengthDelimited).string(key as string);
      w.tag(2, WireType.LengthDelimited)
        .string(value as string)
        .join();
    }
    const bytes = w.finish();
    expectSame(bytes);
    expect(decodeResponse(bytes).outputFields).toEqual({ a: "y", b: "2", c: "z" });
  });

  it("keeps unknown fields (a newer Falco) as fromBinary does", () => {
    const w = new BinaryWriter();
    w.tag(4, WireType.LengthDelimited).string("rule");
    w.tag(10, WireType.Varint).uint64(1n << 40n);
    w.tag(11, WireType.LengthDelimited).string("new text");
    w.tag(12, WireType.Bit32).fixed32(7);
    w.tag(13, WireType.Bit64).fixed64(8n);
    w.tag(9, WireType.LengthDelimited).string("syscall");
    const bytes = w.finish();
    expectSame(bytes);
    expect(decodeUsual(bytes)?.$unknown).toHaveLength(4);
  });

  it("leaves unusual encodings to fromBinary: repeated time, odd map entries, bad UTF-8, wrong wire types", () => {
    const w = new BinaryWriter();
    w.tag(1, WireType.LengthDelimited).fork().tag(1, WireType.Varint).int64(5n).join();
    w.tag(1, WireType.LengthDelimited).fork().tag(2, WireType.Varint).int32(6).join();
    w.tag(6, WireType.LengthDelimited).fork().tag(2, WireType.LengthDelimited).string("v").join();
    w.tag(6, WireType.LengthDelimited).fork().tag(1, WireType.LengthDelimited).string("k").join();
    expectSame(w.finish());
    const badUtf8 = new BinaryWriter()
      .tag(4, WireType.LengthDelimited)
      .bytes(new Uint8Array([0x61, 0xff, 0x62]))
      .finish();
    expectSame(badUtf8);
    expectSame(encode({ hostname: "a\ufffdb" })); // a real U+FFFD: the fallback decides
    expectSame(new BinaryWriter().tag(4, WireType.Varint).uint32(3).finish());
    expectSame(new BinaryWriter().tag(2, WireType.LengthDelimited).string("x").finish());
    expectSame(new BinaryWriter().tag(15, WireType.StartGroup).tag(15, WireType.EndGroup).finish());
  });

  it("equals fromBinary on protoc's vectors, truncated and corrupted", () => {
    const vectors = ["response-full", "response-legacy", "response-zero"].map(
      (name) => new Uint8Array(readFileSync(new URL(`../vectors/${name}.bin`, import.meta.url))),
    );
    let seed = 11;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const bytes of vectors) {
      expect(decodeUsual(bytes)).toBeDefined();
      for (let cut = 0; cut < bytes.length; cut++) expectSame(bytes.subarray(0, cut));
      for (let i = 0; i < 200; i++) {
        const copy = bytes.slice();
        copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
        expectSame(copy);
      }
    }
  });
});
