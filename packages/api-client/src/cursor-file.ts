import { accessSync, constants, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigurationError, FalcoError } from "@falco-sdk/core";
import { SUBSCRIBE_API } from "./api-errors.js";

const named = { namedOptions: [{ api: SUBSCRIBE_API, name: "cursorFile" }] };

/**
 * A file that holds one cursor (its decimal text and a newline), replaced atomically: the new
 * text goes to a temporary file beside it, which is then renamed over it, so a process killed
 * at any moment leaves either the old cursor or the new one, never a torn file.
 */
export class CursorFile {
  readonly path: string;
  readonly #temp: string;
  #saved: number | undefined;

  /**
   * Opens the file (creating its directory), reading the cursor it holds.
   *
   * @throws ConfigurationError when the directory cannot be created or written, or the file
   *   holds something else than a cursor.
   */
  constructor(path: string) {
    this.path = path;
    this.#temp = `${path}.${process.pid}.tmp`;
    const dir = dirname(path);
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
    } catch (cause) {
      throw new ConfigurationError(
        `cursorFile: cannot write in ${dir} (${(cause as NodeJS.ErrnoException).code}): give a cursorFile in a writable directory`,
        { cause, ...named },
      );
    }
    this.#saved = readCursor(path);
  }

  /** The cursor the file holds, undefined when it does not exist yet. */
  get cursor(): number | undefined {
    return this.#saved;
  }

  /**
   * Saves `cursor` (a synchronous write and rename: the file holds it once this returns).
   * Does nothing when the file holds it already.
   *
   * @throws ConfigurationError when the file cannot be written (disk full, read-only).
   */
  save(cursor: number): void {
    if (cursor === this.#saved) return;
    try {
      writeFileSync(this.#temp, `${cursor}\n`);
      renameSync(this.#temp, this.path);
    } catch (cause) {
      throw new ConfigurationError(
        `cursorFile: cannot save the cursor to ${this.path} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}); ` +
          "a restart will deliver again the alerts since the last cursor saved",
        { cause, ...named },
      );
    }
    this.#saved = cursor;
  }
}

/** The cursor in a cursor file; undefined when there is no file. */
export function readCursor(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigurationError(
      `cursorFile: cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      { cause, ...named },
    );
  }
  const cursor = /^\s*(\d+)\s*$/.test(text) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(cursor)) {
    throw new ConfigurationError(
      `cursorFile: ${path} does not hold a cursor (${JSON.stringify(text.slice(0, 40))}): ` +
        "delete it to start from resumeFrom, or write in it the cursor to resume after",
      { namedOptions: [...named.namedOptions, { api: SUBSCRIBE_API, name: "resumeFrom" }] },
    );
  }
  return cursor;
}

/** Whether an error is the failure of a cursor file (for status events). */
export function isCursorFileError(error: unknown): error is ConfigurationError {
  return error instanceof FalcoError && error.namedOptions.some((o) => o.name === "cursorFile");
}
