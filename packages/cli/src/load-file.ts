import { readFileSync } from "node:fs";

/** Reads a file for a command-line flag, with an error that names the flag's file. */
export function loadFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
