import { readFileSync } from "node:fs";
import { ConfigurationError } from "@falco-sdk/core";

/** Reads a file for a command-line flag, with an error that names the flag and the file. */
export function loadFile(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigurationError(
      `cannot read ${flag} ${path} (${code}): check the path and its permissions`,
    );
  }
}
