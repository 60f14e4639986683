// The hand-written decoder against protobuf-es's fromBinary, which it must equal exactly.
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { responseSchema } from "@falco-sdk/proto/outputs";
import { createAlertGenerator, createPrng } from "@falco-sdk/testing";
import { describe, expect, it } from "vitest";
import { decodeResponse, decodeUsual } from "./response-decoder.js";

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
  it("equals fromBinary on a thousand realistic alerts", () => {
    for (const alert of createAlertGenerator({ seed: 3 }).take(1000)) {
      expectSame(encode(alert));
      expect(decodeUsual(encode(alert))).toBeDefined(); // the fast path, not the fallback
    }
  });

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
    const prng = createPrng(2);
    const orders = [entries, [...entries].reverse()];
    for (let i = 0; i < 20; i++) orders.push([...entries].sort(() => prng.next() - 0.5));
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

  it("equals fromBinary on truncated and corrupted messages", () => {
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
