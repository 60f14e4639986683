import type { Alert } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { defer, take, tempDir } from "../test/helpers.js";
import { jsonAlert, pushableSource } from "../test/pushable-source.js";
import { seqOf, storedSeqs } from "../test/stored-seqs.js";
import { createAlertRelay, type RelayStatus, RelayStoreError } from "./index.js";

async function firstEvent<T extends RelayStatus["type"]>(
  events: AsyncIterable<RelayStatus>,
  type: T,
): Promise<Extract<RelayStatus, { type: T }>> {
  for await (const event of events) {
    if (event.type === type) return event as Extract<RelayStatus, { type: T }>;
  }
  throw new Error(`the status ended before ${type}`);
}

describe("write-through store", () => {
  it("stores every alert, in order, before any subscriber gets it", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    defer(() => store.close());
    const a = pushableSource("a");
    const b = pushableSource("b");
    const relay = createAlertRelay({ sources: [a, b], store });
    defer(() => relay.close());
    expect(relay.store).toBe(store);
    const subscription = relay.subscribe();
    const seen: { seq: number; storedUpTo: number }[] = [];
    const received = (async () => {
      for await (const alert of subscription) {
        seen.push({ seq: seqOf(alert), storedUpTo: store.stats().count });
        if (seen.length === 1000) break;
      }
    })();
    for (let i = 0; i < 1000; i++) (i % 2 === 0 ? a : b).push(jsonAlert(i));
    await received;

    // Each alert was in the store when the subscriber got it.
    seen.forEach(({ storedUpTo }, i) => {
      expect(storedUpTo).toBeGreaterThanOrEqual(i + 1);
    });
    // The store's order is the order the subscriber saw.
    const order = seen.map((s) => s.seq);
    const stored = store.query({ limit: 1000 }).alerts.map(seqOf).reverse();
    expect(stored).toEqual(order);
    expect(new Set(order).size).toBe(1000);
    const stats = relay.stats().store;
    expect(stats).toMatchObject({ stored: 1000, notStored: 0, failedAppends: 0, failing: false });
    // Batched: far fewer appends than alerts.
    expect(stats?.batches).toBeLessThan(1000);
  });

  it("keeps every stored alert across a relay restart, the cursors going on", async () => {
    const directory = tempDir();
    for (const round of [0, 1]) {
      const store = openAlertStore({ directory });
      const source = pushableSource();
      const relay = createAlertRelay({ sources: [source], store });
      const got = take(relay.subscribe(), 100);
      for (let i = 0; i < 100; i++) source.push(jsonAlert(round * 100 + i));
      await got;
      await relay.close();
      store.close();
    }
    expect(await storedSeqs(directory)).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });

  it("stores what was received when it closes, before ending the subscribers", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    defer(() => store.close());
    const source = pushableSource();
    const relay = createAlertRelay({ sources: [source], store });
    const subscription = relay.subscribe();
    const got = take(subscription, 1);
    source.push(jsonAlert(1));
    await got;
    source.push(jsonAlert(2));
    // The source loop has the alert queued for the next turn: close() must not lose it.
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    await relay.close();
    expect(store.stats().count).toBeGreaterThanOrEqual(1);
    expect(relay.stats().store?.stored).toBe(relay.stats().received);
  });

  it("reports a store that refuses appends, still delivers, and stores again once it can", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    const source = pushableSource();
    const relay = createAlertRelay({ sources: [source], store });
    defer(() => relay.close());
    const status = relay.status();
    const failed = firstEvent(status, "store-failed");
    const subscription = relay.subscribe();
    const iterator = subscription[Symbol.asyncIterator]();

    store.close(); // what a full disk or a read-only directory does to appends: they throw
    source.push(jsonAlert(1));
    expect(seqOf((await iterator.next()).value as Alert)).toBe(1);
    const event = await failed;
    expect(event.error).toBeInstanceOf(RelayStoreError);
    expect(event.error.storeCode).toBe("store-closed");
    expect(event.error.message).toMatch(/1 alert was not stored .*store-?closed|closed/);
    expect(event.notStored).toBe(1);
    expect(relay.stats().store).toMatchObject({ stored: 0, notStored: 1, failing: true });
    expect(relay.stats().store?.lastError?.code).toBe("relay-store");

    source.push(jsonAlert(2));
    expect(seqOf((await iterator.next()).value as Alert)).toBe(2);
    expect(relay.stats().store).toMatchObject({ notStored: 2, failedAppends: 2 });
  });

  it("asks a source that acknowledges on next() for more only once its alert is stored", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    defer(() => store.close());
    const storedWhenAsked: number[] = [];
    let i = 0;
    const source = {
      name: "acking",
      acknowledgesOnNext: true,
      alerts: {
        [Symbol.asyncIterator]: () => ({
          async next(): Promise<IteratorResult<Alert>> {
            storedWhenAsked.push(store.stats().count);
            return i < 20 ? { value: jsonAlert(i++), done: false } : new Promise(() => {});
          },
        }),
      },
    };
    const relay = createAlertRelay({ sources: [source], store });
    defer(() => relay.close());
    await take(relay.subscribe(), 20);
    // The n-th call (acknowledging alert n-1) came once n alerts were stored.
    expect(storedWhenAsked.slice(0, 21)).toEqual(Array.from({ length: 21 }, (_, n) => n));
  });

  it("whenStored() resolves once what was received is stored, and rejects when the append failed", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    const source = pushableSource();
    // Batches wait for whenStored() (or a burst), never for the timer, within this test.
    const relay = createAlertRelay({ sources: [source], store, storeBatchMs: 3_600_000 });
    defer(() => relay.close());
    await relay.whenStored(); // nothing received: at once
    const iterator = relay.subscribe()[Symbol.asyncIterator]();
    source.push(jsonAlert(1));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const first = iterator.next();
    await relay.whenStored();
    expect(seqOf((await first).value as Alert)).toBe(1); // delivered once stored
    expect(store.stats().count).toBe(1);
    source.push(jsonAlert(2));
    const pushed = iterator.next();
    await new Promise<void>((resolve) => setImmediate(resolve));
    // The relay has alert 2, waiting for its batch.
    expect(relay.stats().received).toBe(1);
    const stored = relay.whenStored();
    await stored;
    expect(store.stats().count).toBe(2);
    await pushed;
    store.close();
    source.push(jsonAlert(3));
    const third = iterator.next();
    await new Promise<void>((resolve) => setImmediate(resolve));
    await expect(relay.whenStored()).rejects.toBeInstanceOf(RelayStoreError);
    expect(seqOf((await third).value as Alert)).toBe(3);
  });
});
