import { describe, expect, it } from "vitest";
import { AsciiStringCache } from "./ascii-string-cache.js";

const bytes = (text: string) => Buffer.from(text, "latin1");

describe("AsciiStringCache", () => {
  it("gives the text of ASCII bytes, the same string when it repeats", () => {
    const cache = new AsciiStringCache(64, 16);
    const first = cache.get(bytes("xx proc.name yy"), 3, 12);
    expect(first).toBe("proc.name");
    expect(cache.get(bytes("proc.name"), 0, 9)).toBe("proc.name");
    expect(cache.get(bytes(""), 0, 0)).toBe("");
    const long = "container.image.repository";
    expect(cache.get(bytes(long), 0, long.length)).toBe(long); // built in one piece
  });

  it("leaves longer and non-ASCII text to the caller", () => {
    const cache = new AsciiStringCache(8, 16);
    expect(cache.get(bytes("123456789"), 0, 9)).toBeUndefined();
    expect(cache.get(Buffer.from("é", "utf8"), 0, 2)).toBeUndefined();
  });

  it("stays correct when many strings share few slots", () => {
    const cache = new AsciiStringCache(64, 2);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 200; i++) {
        const text = `field.${i}`;
        expect(cache.get(bytes(text), 0, text.length)).toBe(text);
      }
    }
  });
});
