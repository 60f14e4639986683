import { readFileSync } from "node:fs";
import { ConfigurationError } from "./errors.js";

/** A PEM value given either inline (contents or Buffer) or as a file path. */
export type PemSource = string | Buffer;

/** Reads a PEM value: a Buffer or a string with "-----BEGIN" is the PEM itself, else a path. */
export function loadPem(value: PemSource, what: string): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value.includes("-----BEGIN")) return Buffer.from(value);
  try {
    return readFileSync(value);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code);
    throw new ConfigurationError(`cannot read the ${what} at ${value}: ${why}`, { cause });
  }
}
