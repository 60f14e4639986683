import { fromBinary } from "@bufbuild/protobuf";
import type { Timestamp } from "@bufbuild/protobuf/wkt";
import { AsciiStringCache } from "./ascii-string-cache.js";
import { type response, responseSchema } from "./gen/falco/outputs_pb.js";
import { OutputFieldOrder } from "./output-field-order.js";

/**
 * Decodes a `falco.outputs.response` exactly as protobuf-es's
 * `fromBinary(responseSchema, bytes)` does (the same message object, unknown
 * fields kept in `$unknown`, the same errors), about three times faster: the
 * alert stream's hot path. Anything outside the shape Falco sends (a field
 * with an unexpected wire type, groups, repeated sub-messages, a map entry with
 * extra fields, text that is not valid UTF-8) is handed to `fromBinary`.
 */
export function decodeResponse(bytes: Uint8Array): response {
  return decodeUsual(bytes) ?? fromBinary(responseSchema, bytes);
}

/** The fast decoder alone: undefined for input it leaves to `fromBinary`. */
export function decodeUsual(bytes: Uint8Array): response | undefined {
  try {
    return decodeFast(bytes);
  } catch (error) {
    if (error === UNUSUAL) return undefined;
    throw error;
  }
}

/** Thrown inside the fast decoder for input it leaves to `fromBinary`. */
const UNUSUAL = Symbol("unusual input");

class Reader {
  pos: number;
  private readonly text: Buffer;

  constructor(
    readonly buf: Uint8Array,
    pos: number,
    readonly end: number,
  ) {
    this.pos = pos;
    this.text = Buffer.isBuffer(buf)
      ? buf
      : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A varint, low 32 bits (protobuf's uint32 read; int32 is `| 0` of it). */
  uint32(): number {
    const buf = this.buf;
    let b = buf[this.pos++] as number;
    let value = b & 0x7f;
    if (b < 0x80) return this.check(value);
    b = buf[this.pos++] as number;
    value |= (b & 0x7f) << 7;
    if (b < 0x80) return this.check(value);
    b = buf[this.pos++] as number;
    value |= (b & 0x7f) << 14;
    if (b < 0x80) return this.check(value);
    b = buf[this.pos++] as number;
    value |= (b & 0x7f) << 21;
    if (b < 0x80) return this.check(value);
    b = buf[this.pos++] as number;
    value |= (b & 0x0f) << 28;
    // The high bits of a 64-bit varint (negative int32s take ten bytes).
    for (let i = 0; b >= 0x80 && i < 5; i++) b = buf[this.pos++] as number;
    if (b >= 0x80) throw UNUSUAL;
    return this.check(value >>> 0);
  }

  /** A varint as a signed 64-bit integer (protobuf's int64). */
  int64(): bigint {
    const start = this.pos;
    let value = 0;
    let scale = 1;
    // Up to 7 bytes (49 bits) with exact float arithmetic: every time from 1970 to far past 9999.
    for (let i = 0; i < 7; i++) {
      const b = this.buf[this.pos++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.check(0);
        return BigInt(value);
      }
      scale *= 128;
    }
    // Longer (negative times): with bigint arithmetic.
    let big = 0n;
    this.pos = start;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.buf[this.pos++] as number;
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        this.check(0);
        return BigInt.asIntN(64, big);
      }
    }
    throw UNUSUAL;
  }

  /** A length-delimited field's end offset. */
  lengthEnd(): number {
    const length = this.uint32();
    const end = this.pos + length;
    if (end > this.end) throw UNUSUAL;
    return end;
  }

  /** A string field; text that repeats is taken from `cache` (see AsciiStringCache). */
  string(cache: AsciiStringCache = values): string {
    const end = this.lengthEnd();
    let start = this.pos;
    this.pos = end;
    const buf = this.buf;
    // TextDecoder (as protobuf-es uses it) drops a leading byte order mark.
    if (
      end - start >= 3 &&
      buf[start] === 0xef &&
      buf[start + 1] === 0xbb &&
      buf[start + 2] === 0xbf
    ) {
      start += 3;
    }
    return cache.get(this.text, start, end) ?? this.utf8(start, end);
  }

  private utf8(start: number, end: number): string {
    const text = this.text.toString("utf8", start, end);
    // U+FFFD is in the text, or stands for invalid UTF-8 (which fromBinary rejects): let it tell.
    if (text.includes("\ufffd")) throw UNUSUAL;
    return text;
  }

  /** Skips a field of another number; returns its data as protobuf-es's `$unknown` keeps it. */
  skip(wireType: number): Uint8Array {
    const start = this.pos;
    if (wireType === 0) this.uint32();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.pos = this.lengthEnd();
    else if (wireType === 5) this.pos += 4;
    else throw UNUSUAL;
    this.check(0);
    return this.buf.subarray(start, this.pos);
  }

  private check(value: number): number {
    if (this.pos > this.end) throw UNUSUAL;
    return value;
  }
}

/**
 * Text that repeats from one alert to the next, decoded once. Names: output
 * field names (property keys: a cached one is the string V8 already uses as the
 * key), rule names, hostnames, tags and sources. Values: output field values of
 * up to 16 bytes (user names, event types, ports...; longer ones are mostly
 * distinct, and measured faster decoded each time than hashed and compared).
 */
const names = new AsciiStringCache(64, 1024);
const values = new AsciiStringCache(16, 4096);
/** The output fields of the message being decoded (one at a time: decoding is synchronous). */
const fields = new OutputFieldOrder(names.slotCount);

function decodeFast(bytes: Uint8Array): response {
  const r = new Reader(bytes, 0, bytes.length);
  let time: Timestamp | undefined;
  let priority = 0;
  let sourceDeprecated = 0;
  let rule = "";
  let output = "";
  fields.reset();
  let hostname = "";
  const tags: string[] = [];
  let source = "";
  let unknown: { no: number; wireType: number; data: Uint8Array }[] | undefined;
  while (r.pos < r.end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wireType = tag & 7;
    if (no >= 1 && no <= 9 && wireType !== (no === 2 || no === 3 ? 0 : 2)) throw UNUSUAL;
    switch (no) {
      case 1:
        if (time) throw UNUSUAL; // a second time field merges into the first: fromBinary does it
        time = readTimestamp(r);
        break;
      case 2:
        priority = r.uint32() | 0;
        break;
      case 3:
        sourceDeprecated = r.uint32() | 0;
        break;
      case 4:
        rule = r.string(names);
        break;
      case 5:
        output = r.string();
        break;
      case 6:
        readMapEntry(r);
        break;
      case 7:
        hostname = r.string(names);
        break;
      case 8:
        tags.push(r.string(names));
        break;
      case 9:
        source = r.string(names);
        break;
      default:
        if (no === 0) throw UNUSUAL;
        unknown ??= [];
        unknown.push({ no, wireType, data: r.skip(wireType) });
    }
  }
  if (r.pos !== r.end) throw UNUSUAL;
  const message: response = {
    $typeName: "falco.outputs.response",
    priority,
    sourceDeprecated,
    rule,
    output,
    outputFields: fields.build(),
    hostname,
    tags,
    source,
  };
  if (time) message.time = time;
  if (unknown) (message as { $unknown?: typeof unknown }).$unknown = unknown;
  return message;
}

function readTimestamp(r: Reader): Timestamp {
  const end = r.lengthEnd();
  let seconds = 0n;
  let nanos = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x08) seconds = r.int64();
    else if (tag === 0x10) nanos = r.uint32() | 0;
    else throw UNUSUAL;
  }
  if (r.pos !== end) throw UNUSUAL;
  return { $typeName: "google.protobuf.Timestamp", seconds, nanos };
}

function readMapEntry(r: Reader): void {
  const end = r.lengthEnd();
  let key = "";
  let value = "";
  let slot = -1;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === 0x0a) {
      key = r.string(names);
      slot = names.slot;
    } else if (tag === 0x12) value = r.string();
    else throw UNUSUAL;
  }
  if (r.pos !== end) throw UNUSUAL;
  fields.add(key, value, slot);
}
