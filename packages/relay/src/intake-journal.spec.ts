import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { tempDir } from "../test/helpers.js";
import { jsonAlert } from "../test/pushable-source.js";
import { storedSeqs } from "../test/stored-seqs.js";
import { IntakeJournal, JOURNAL_ROTATE_BYTES } from "./intake-journal.js";
import { JOURNAL_CHECKPOINT } from "./journal-replay.js";
import { RelayJournalError } from "./relay-journal-error.js";

/** Writes alerts `from..to` to the journal; the offset after the last. */
function journalAlerts(journal: IntakeJournal, from: number, to: number): number {
  let offset = 0;
  for (let seq = from; seq <= to; seq++) offset = journal.write(formatAlertJson(jsonAlert(seq)));
  return offset;
}

describe("intake journal", () => {
  it("replays what was journaled but not committed (a crash between the write and the append)", async () => {
    const directory = tempDir();
    const path = join(directory, "intake-journal");
    const store = openAlertStore({ directory });
    const journal = IntakeJournal.open(store, path);
    const first = journalAlerts(journal, 1, 3);
    store.append([1, 2, 3].map(jsonAlert), {
      checkpoint: { name: JOURNAL_CHECKPOINT, value: first },
    });
    journalAlerts(journal, 4, 6);
    // Killed here: 4..6 answered, journaled, never appended.
    journal.close();
    store.close();
    const again = openAlertStore({ directory });
    const reopened = IntakeJournal.open(again, path);
    expect(reopened.replay).toMatchObject({ replayed: 3, dropped: 0 });
    reopened.close();
    again.close();
    expect(await storedSeqs(directory)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("replays nothing twice (a crash between the append and the rotation)", async () => {
    const directory = tempDir();
    const path = join(directory, "intake-journal");
    const store = openAlertStore({ directory });
    const journal = IntakeJournal.open(store, path);
    const end = journalAlerts(journal, 1, 5);
    store.append([1, 2, 3, 4, 5].map(jsonAlert), {
      checkpoint: { name: JOURNAL_CHECKPOINT, value: end },
    });
    journal.close();
    store.close();
    const again = openAlertStore({ directory });
    const reopened = IntakeJournal.open(again, path);
    expect(reopened.replay).toMatchObject({ replayed: 0, dropped: 0, end });
    // Offsets go on after a restart: a later replay starts after what is stored.
    const next = reopened.write(formatAlertJson(jsonAlert(6)));
    expect(next).toBeGreaterThan(end);
    reopened.close();
    again.close();
    const third = openAlertStore({ directory });
    const last = IntakeJournal.open(third, path);
    expect(last.replay).toMatchObject({ replayed: 1, dropped: 0, end: next });
    last.close();
    third.close();
    expect(await storedSeqs(directory)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("drops a torn last line, counted, and replays the whole ones", async () => {
    const directory = tempDir();
    const path = join(directory, "intake-journal");
    const store = openAlertStore({ directory });
    const journal = IntakeJournal.open(store, path);
    journalAlerts(journal, 1, 2);
    journal.close();
    // Killed in the middle of a write.
    appendFileSync(path, formatAlertJson(jsonAlert(3)).slice(0, 20));
    store.close();
    const again = openAlertStore({ directory });
    const reopened = IntakeJournal.open(again, path);
    expect(reopened.replay).toMatchObject({ replayed: 2, dropped: 1 });
    reopened.close();
    again.close();
    expect(await storedSeqs(directory)).toEqual([1, 2]);
  });

  it("refuses a file that is not a journal and leaves it as it is", () => {
    const directory = tempDir();
    const path = join(directory, "intake-journal");
    writeFileSync(path, "my notes\nkeep them\n");
    const store = openAlertStore({ directory });
    try {
      expect(() => IntakeJournal.open(store, path)).toThrow(RelayJournalError);
      expect(readFileSync(path, "utf8")).toBe("my notes\nkeep them\n");
    } finally {
      store.close();
    }
  });

  it("starts a fresh file once everything written is stored and the file is large", async () => {
    const directory = tempDir();
    const path = join(directory, "intake-journal");
    const store = openAlertStore({ directory, durable: false });
    const journal = IntakeJournal.open(store, path);
    const line = formatAlertJson(jsonAlert(1));
    const count = Math.ceil(JOURNAL_ROTATE_BYTES / line.length) + 1;
    let end = 0;
    for (let i = 0; i < count; i++) end = journal.write(line);
    expect(journal.size()).toBeGreaterThan(JOURNAL_ROTATE_BYTES);
    journal.stored(end - 1);
    expect(journal.size()).toBeGreaterThan(JOURNAL_ROTATE_BYTES);
    store.append([jsonAlert(1)], { checkpoint: { name: JOURNAL_CHECKPOINT, value: end } });
    journal.stored(end);
    expect(journal.size()).toBeLessThan(100);
    expect(journal.end).toBe(end);
    journal.close();
    store.close();
    const again = openAlertStore({ directory });
    const reopened = IntakeJournal.open(again, path);
    expect(reopened.replay).toMatchObject({ replayed: 0, dropped: 0, end });
    reopened.close();
    again.close();
  });
});
