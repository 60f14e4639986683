import { type Alert, parseAlertJson } from "@falco-sdk/core";
import type { AlertStore } from "@falco-sdk/store";
import type { JournalContents } from "./journal-file.js";
import { RelayJournalError } from "./relay-journal-error.js";

/** The store checkpoint holding how far the intake journal is stored (a logical offset). */
export const JOURNAL_CHECKPOINT = "relay-intake-journal";

/** Alerts per append when replaying. */
const REPLAY_BATCH = 2048;

/** What a replay did. */
export interface ReplayResult {
  /** Alerts the journal held that the store did not: appended, in order. */
  readonly replayed: number;
  /** Lines that were not an alert: torn (the process died in its write) or garbage. */
  readonly dropped: number;
  /** Logical offset of the journal's end: everything before it is stored now. */
  readonly end: number;
}

/**
 * Appends to `store`, in order, the alerts of the journal after the store's checkpoint, each
 * batch with the checkpoint of its last line in the same transaction: a crash during the replay
 * neither loses nor duplicates. A line that is not an alert (a torn last line, garbage) is
 * counted in `dropped` and skipped.
 */
export function replayJournal(
  store: AlertStore,
  journal: JournalContents,
  path: string,
): ReplayResult {
  const { base, records } = journal;
  const end = base + records.length;
  const checkpoint = store.checkpoint(JOURNAL_CHECKPOINT);
  // Before the base: rotated away once stored. Beyond the end: a journal newer than the store.
  let at = Math.min(Math.max(checkpoint, base), end) - base;
  let replayed = 0;
  let dropped = 0;
  let batch: Alert[] = [];
  const append = (value: number) => {
    try {
      store.append(batch, { checkpoint: { name: JOURNAL_CHECKPOINT, value } });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new RelayJournalError(
        `cannot store the ${batch.length} alerts of the intake journal ${path} that the store ` +
          `lacks (${reason}); the journal is kept: start the relay again once the store takes appends.`,
        { cause },
      );
    }
    replayed += batch.length;
    batch = [];
  };
  while (at < records.length) {
    const newline = records.indexOf(0x0a, at);
    const lineEnd = newline < 0 ? records.length : newline;
    const alert = lineEnd > at ? parse(records.toString("utf8", at, lineEnd)) : undefined;
    // A torn last line (no newline), or a line that is not an alert.
    if (alert === undefined) {
      if (lineEnd > at || newline < 0) dropped++;
    } else if (newline < 0) dropped++;
    else batch.push(alert);
    at = newline < 0 ? records.length : newline + 1;
    if (batch.length >= REPLAY_BATCH) append(base + at);
  }
  if (batch.length > 0 || checkpoint < end) append(end);
  return { replayed, dropped, end };
}

function parse(text: string): Alert | undefined {
  try {
    return parseAlertJson(text);
  } catch {
    return undefined;
  }
}
