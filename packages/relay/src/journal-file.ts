import { closeSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { RelayJournalError } from "./relay-journal-error.js";

/** Starts the first line of an intake journal; its logical base offset follows. */
const HEADER = "#falco-sdk relay intake journal v1 base=";

/** What an intake journal file holds. */
export interface JournalContents {
  /** Logical offset of the first byte after the header. */
  readonly base: number;
  /** Bytes of the header line (its newline included). */
  readonly headerBytes: number;
  /** The records: the file after its header. */
  readonly records: Buffer;
}

/**
 * Reads the journal at `path`; undefined when there is none (or it is empty: a file created but
 * never written). Throws {@link RelayJournalError} for a file that is not a journal.
 */
export function readJournal(path: string): JournalContents | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new RelayJournalError(`cannot read the intake journal ${path}: ${message(cause)}`, {
      cause,
    });
  }
  if (file.length === 0) return undefined;
  const newline = file.indexOf(0x0a);
  const header = file.subarray(0, newline < 0 ? file.length : newline).toString("latin1");
  const base = Number(header.slice(HEADER.length));
  if (newline < 0 || !header.startsWith(HEADER) || !Number.isSafeInteger(base) || base < 0) {
    throw new RelayJournalError(
      `${path} is not a relay intake journal; it was left as it is. Move it away (or give ` +
        "another store directory) and start the relay again.",
    );
  }
  return { base, headerBytes: newline + 1, records: file.subarray(newline + 1) };
}

/**
 * Replaces the journal at `path` by an empty one whose records start at logical offset `base`
 * (written beside it, then renamed over it: a crash leaves the old one or the new one); returns
 * its descriptor, open for appending, and its header size.
 */
export function startJournal(path: string, base: number): { fd: number; headerBytes: number } {
  const header = Buffer.from(`${HEADER}${base}\n`, "latin1");
  const next = `${path}.next`;
  try {
    writeFileSync(next, header, { mode: 0o600 });
    renameSync(next, path);
    return { fd: openSync(path, "a"), headerBytes: header.length };
  } catch (cause) {
    rmSync(next, { force: true });
    throw new RelayJournalError(`cannot write the intake journal ${path}: ${message(cause)}`, {
      cause,
    });
  }
}

/** Closes a journal descriptor, ignoring errors (a closed or broken one). */
export function closeJournal(fd: number): void {
  try {
    closeSync(fd);
  } catch {}
}

function message(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
