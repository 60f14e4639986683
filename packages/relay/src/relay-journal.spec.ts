import { join } from "node:path";
import { formatAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { defer, tempDir } from "../test/helpers.js";
import { jsonAlert, pushableSource } from "../test/pushable-source.js";
import { storedSeqs } from "../test/stored-seqs.js";
import { createAlertRelay, JOURNAL_CHECKPOINT, type RelayStatus } from "./index.js";
import { IntakeJournal } from "./intake-journal.js";
import { MAX_IN_FLIGHT } from "./store-write-through.js";

describe("relay intake journal", () => {
  it("stores handed-over and read alerts with the journal checkpoint of each batch", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    defer(() => store.close());
    const source = pushableSource("grpc");
    const relay = createAlertRelay({
      sources: [source],
      store,
      intakeJournal: join(directory, "intake-journal"),
    });
    const take = relay.intake("http");
    take(Buffer.from(formatAlertJson(jsonAlert(1))), jsonAlert(1));
    source.push(jsonAlert(2));
    await new Promise((resolve) => setImmediate(resolve));
    take(Buffer.from(formatAlertJson(jsonAlert(3))), jsonAlert(3));
    await relay.whenStored();
    expect(store.checkpoint(JOURNAL_CHECKPOINT)).toBeGreaterThan(0);
    expect(relay.stats().store?.journal).toEqual({ replayed: 0, dropped: 0, failedWrites: 0 });
    await relay.close();
    expect(() => take(Buffer.from("{}"), jsonAlert(4))).toThrow();
    store.close();
    expect(await storedSeqs(directory)).toEqual([1, 2, 3]);
  });

  it("replays at start what was answered but not stored, and reports it", async () => {
    const directory = tempDir();
    const path = join(directory, "intake-journal");
    const first = openAlertStore({ directory });
    const journal = IntakeJournal.open(first, path);
    for (const seq of [1, 2]) journal.write(formatAlertJson(jsonAlert(seq)));
    journal.close();
    first.close();
    const store = openAlertStore({ directory });
    defer(() => store.close());
    const relay = createAlertRelay({ sources: [], store, intakeJournal: path });
    const events = relay.status()[Symbol.asyncIterator]();
    const event = (await events.next()).value as RelayStatus;
    expect(event).toEqual({ type: "journal-replayed", replayed: 2, dropped: 0 });
    expect(relay.stats().store?.journal).toMatchObject({ replayed: 2, dropped: 0 });
    await relay.close();
    store.close();
    expect(await storedSeqs(directory)).toEqual([1, 2]);
  });

  it("asks the sender to wait once MAX_IN_FLIGHT alerts are not stored, and stores them all", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory, durable: false });
    defer(() => store.close());
    const relay = createAlertRelay({
      sources: [],
      store,
      intakeJournal: join(directory, "intake-journal"),
    });
    const take = relay.intake("http");
    // Taken within one event-loop turn: none can reach the store yet.
    const answers = Array.from({ length: MAX_IN_FLIGHT + 5 }, (_, i) =>
      take(Buffer.from(formatAlertJson(jsonAlert(i + 1))), jsonAlert(i + 1)),
    );
    expect(answers.findIndex((a) => a instanceof Promise)).toBe(MAX_IN_FLIGHT - 1);
    expect(answers.slice(MAX_IN_FLIGHT - 1).every((a) => a instanceof Promise)).toBe(true);
    await Promise.all(answers);
    await relay.whenStored();
    // Room again: the next alert is answered at once.
    expect(take(Buffer.from(formatAlertJson(jsonAlert(0))), jsonAlert(0))).toBeUndefined();
    await relay.close();
    store.close();
    const seqs = await storedSeqs(directory);
    expect(seqs).toHaveLength(MAX_IN_FLIGHT + 6);
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
  });
});
