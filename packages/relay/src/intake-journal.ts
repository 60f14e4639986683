import { fstatSync, writeSync } from "node:fs";
import type { AlertStore } from "@falco-sdk/store";
import { closeJournal, readJournal, startJournal } from "./journal-file.js";
import { JOURNAL_CHECKPOINT, type ReplayResult, replayJournal } from "./journal-replay.js";
import { RelayJournalError } from "./relay-journal-error.js";

/** A journal longer than this is started afresh once everything in it is stored. */
export const JOURNAL_ROTATE_BYTES = 4 * 1024 * 1024;

const NEWLINE = Buffer.from("\n");

/**
 * The relay's intake journal: each alert is written to it (one JSON line, a synchronous write)
 * before its source is answered, and the store's checkpoint `relay-intake-journal` says how far
 * the journal is stored. At start what the store lacks is appended (replayed). Offsets are
 * logical: they keep growing across rotations.
 */
export class IntakeJournal {
  readonly #path: string;
  #fd: number;
  #base: number;
  #headerBytes: number;
  #end: number;
  #closed = false;
  /** What the replay at start did. */
  readonly replay: ReplayResult;

  private constructor(path: string, replay: ReplayResult) {
    this.#path = path;
    this.replay = replay;
    const { fd, headerBytes } = startJournal(path, replay.end);
    this.#fd = fd;
    this.#headerBytes = headerBytes;
    this.#base = replay.end;
    this.#end = replay.end;
  }

  /**
   * Replays the journal at `path` into `store` (what the store lacks), then starts a fresh
   * journal whose base is the replayed end.
   * @throws RelayJournalError for a file that is not a journal (left as it is), or a journal
   *   that cannot be read, written or stored.
   */
  static open(store: AlertStore, path: string): IntakeJournal {
    const contents = readJournal(path);
    const replay =
      contents === undefined
        ? { replayed: 0, dropped: 0, end: Math.max(0, store.checkpoint(JOURNAL_CHECKPOINT)) }
        : replayJournal(store, contents, path);
    // A store ahead of the journal (the journal was removed): offsets go on after the store's.
    const end = Math.max(replay.end, store.checkpoint(JOURNAL_CHECKPOINT));
    return new IntakeJournal(path, { ...replay, end });
  }

  /** Logical offset of the end of what was written. */
  get end(): number {
    return this.#end;
  }

  /**
   * Writes `line` and a newline (synchronously: in the file once this returns, a killed process
   * loses nothing); the logical offset after it.
   * @throws RelayJournalError when the write fails (full disk): the alert must not be answered.
   */
  write(line: Buffer | string): number {
    if (this.#closed) throw new RelayJournalError(`the intake journal ${this.#path} is closed`);
    const bytes = Buffer.concat([typeof line === "string" ? Buffer.from(line) : line, NEWLINE]);
    let written = 0;
    try {
      while (written < bytes.length) {
        written += writeSync(this.#fd, bytes, written, bytes.length - written);
      }
    } catch (cause) {
      // A partial line stays torn: the offsets after it stay right (the replay drops it).
      this.#end += written;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new RelayJournalError(
        `cannot write to the intake journal ${this.#path} (${reason}); free space on its disk`,
        { cause },
      );
    }
    this.#end += bytes.length;
    return this.#end;
  }

  /**
   * Tells that everything up to `offset` is stored: when that is everything written and the file
   * exceeds {@link JOURNAL_ROTATE_BYTES}, a fresh journal is started at the current end.
   */
  stored(offset: number): void {
    if (this.#closed || offset < this.#end) return;
    if (this.#end - this.#base + this.#headerBytes <= JOURNAL_ROTATE_BYTES) return;
    try {
      const { fd, headerBytes } = startJournal(this.#path, this.#end);
      closeJournal(this.#fd);
      this.#fd = fd;
      this.#headerBytes = headerBytes;
      this.#base = this.#end;
    } catch {
      // The old journal goes on (a later rotation may succeed); nothing is lost.
    }
  }

  /** Bytes of the journal file now. */
  size(): number {
    return fstatSync(this.#fd).size;
  }

  /** Closes the file (the journal stays, for the next start). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeJournal(this.#fd);
  }
}
