// gRPC message framing across body chunks, cut at every possible point.
import { ConnectError } from "@connectrpc/connect";
import { describe, expect, it } from "vitest";
import { EnvelopeSplitter } from "./envelope-splitter.js";

function envelope(body: number[], flags = 0): number[] {
  const n = body.length;
  return [flags, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, ...body];
}

const bodies = [[1, 2, 3], [], [9], Array.from({ length: 300 }, (_, i) => i & 255), [7, 7]];
const wire = Uint8Array.from(bodies.flatMap((b) => envelope(b)));

function split(chunks: Uint8Array[]): number[][] {
  const out: number[][] = [];
  const splitter = new EnvelopeSplitter((bytes) => out.push([...bytes]));
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return out;
}

describe("EnvelopeSplitter", () => {
  it("yields every message whole, in one chunk or cut anywhere into two or three", () => {
    expect(split([wire])).toEqual(bodies);
    for (let a = 0; a <= wire.length; a++) {
      expect(split([wire.subarray(0, a), wire.subarray(a)])).toEqual(bodies);
    }
    for (let a = 0; a <= wire.length; a += 3) {
      for (let b = a; b <= wire.length; b += 5) {
        const chunks = [wire.subarray(0, a), wire.subarray(a, b), wire.subarray(b)];
        expect(split(chunks)).toEqual(bodies);
      }
    }
    expect(split([...wire].map((byte) => Uint8Array.of(byte)))).toEqual(bodies);
  });

  it("stops after each message while full() says so, and hands the rest over when pushed again", () => {
    for (let a = 0; a <= wire.length; a++) {
      const out: number[][] = [];
      const splitter = new EnvelopeSplitter(
        (bytes) => out.push([...bytes]),
        () => true,
      );
      for (const chunk of [wire.subarray(0, a), wire.subarray(a)]) {
        let rest: Uint8Array | undefined = chunk;
        while (rest !== undefined) {
          const before = out.length;
          rest = splitter.push(rest);
          // Never more than one message per push while full.
          expect(out.length - before).toBeLessThanOrEqual(1);
        }
      }
      splitter.end();
      expect(out).toEqual(bodies);
    }
  });

  it("rejects a body that ends inside a message", () => {
    expect(() => split([wire.subarray(0, 4)])).toThrow(/incomplete envelope/);
    expect(() => split([wire.subarray(0, 7)])).toThrow(ConnectError);
  });

  it("rejects compressed messages (none were negotiated) and oversized ones", () => {
    expect(() => split([Uint8Array.from(envelope([1], 1))])).toThrow(/compressed/);
    expect(() => split([Uint8Array.of(0, 0x7f, 0, 0, 0)])).toThrow(/larger than the limit/);
  });
});
