/**
 * Short ASCII strings decoded from bytes, remembered so that text which repeats
 * from one alert to the next (field names, rule names, hostnames, tags, user
 * and image names...) is not built again: a repeated string costs a comparison
 * instead of an allocation, and a field name comes back as the string V8
 * already uses as a property key. Fixed size: memory stays bounded whatever
 * arrives (a slot holds the last string that hashed to it).
 */
export class AsciiStringCache {
  private readonly slots: (string | undefined)[];
  private readonly mask: number;
  /**
   * The slot of the text the last `get()` returned from or put in the cache, -1 when it
   * left the text to the caller. A slot holds one text at a time: the same slot later
   * may hold another text.
   */
  slot = -1;

  /**
   * @param maxLength longer text is not cached (the caller decodes it)
   * @param slotCount a power of two
   */
  constructor(
    readonly maxLength = 64,
    readonly slotCount = 4096,
  ) {
    this.slots = new Array<string | undefined>(slotCount).fill(undefined);
    this.mask = slotCount - 1;
  }

  /**
   * The text of `bytes[start, end)`, or undefined when it is longer than
   * `maxLength` or not ASCII (the caller decodes it as UTF-8).
   */
  get(bytes: Buffer, start: number, end: number): string | undefined {
    const length = end - start;
    if (length > this.maxLength) {
      this.slot = -1;
      return undefined;
    }
    // Hashed on the length and four bytes (a full hash costs a second pass over the
    // text); the comparison below checks every byte, so a collision only costs a miss.
    let hash = length;
    if (length > 0) {
      hash =
        Math.imul(length, 0x9e3779b1) ^
        (bytes[start] as number) ^
        ((bytes[end - 1] as number) << 7) ^
        ((bytes[start + (length >> 1)] as number) << 14) ^
        ((bytes[start + (length >> 2)] as number) << 21) ^
        ((bytes[end - 1 - (length >> 2)] as number) << 3);
    }
    const slot = (hash ^ (hash >>> 16)) & this.mask;
    this.slot = slot;
    const cached = this.slots[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === bytes[start + i]) i++;
      if (i === length) return cached; // cached strings are ASCII: so are these bytes
    }
    const text = asciiText(bytes, start, end);
    if (text !== undefined) this.slots[slot] = text;
    else this.slot = -1;
    return text;
  }
}

/**
 * ASCII bytes as a string (undefined when a byte is not ASCII): a few built in JavaScript (faster than a call into a
 * decoder), more decoded at once (a flat string; concatenation would leave a rope
 * that V8 flattens on first use).
 */
function asciiText(bytes: Buffer, start: number, end: number): string | undefined {
  if (end - start > 12) {
    for (let i = start; i < end; i++) if ((bytes[i] as number) >= 0x80) return undefined;
    return bytes.toString("latin1", start, end);
  }
  let text = "";
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c >= 0x80) return undefined;
    text += String.fromCharCode(c);
  }
  return text;
}
