import { InvalidArgumentError } from "commander";

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/** Parses a size flag: bytes, or with a binary suffix (`512M`, `2GiB`, `100k`). */
export function byteSize(flag: string) {
  return (value: string): number => {
    const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(value.trim());
    const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
    const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : Number.NaN;
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new InvalidArgumentError(`${flag} takes a size in bytes, e.g. 536870912, 512M or 2G`);
    }
    return bytes;
  };
}
