/** A small seeded pseudo-random generator (mulberry32): same seed, same sequence. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `length` lowercase hex digits. */
  hex(length: number): string;
  /** `length` lowercase letters and digits. */
  alnum(length: number): string;
}

const ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Creates a {@link Prng} from a 32-bit integer seed. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const chars = (alphabet: string, length: number) => {
    let out = "";
    for (let i = 0; i < length; i += 1) {
      out += alphabet[Math.floor(next() * alphabet.length)];
    }
    return out;
  };
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    hex: (length) => chars("0123456789abcdef", length),
    alnum: (length) => chars(ALNUM, length),
  };
}
