import type { Alert } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import { StoreClosedError, StoreFullError } from "./store-errors.js";
import { testAlerts } from "./test-alerts.js";
import { useTempDirs } from "./test-dirs.test.js";
import { errorFromWorker, errorToWorker } from "./worker-protocol.js";

const tempDir = useTempDirs();

describe("AlertStore.appendAsync", () => {
  it("stores batches in the order given, with cursors after append's, and wakes this handle's readers", async () => {
    const store = openAlertStore({ directory: tempDir() });
    expect(store.append(testAlerts(0, 2))).toEqual({ first: 1, last: 2 });
    const reader = store.read({ follow: true });
    const seen: string[] = [];
    const reading = (async () => {
      for await (const alert of reader) {
        seen.push(alert.output);
        if (seen.length === 302) break;
      }
    })();
    // Many batches in flight at once: each answered in order.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, b) => store.appendAsync(testAlerts(2 + b * 10, 12 + b * 10))),
    );
    expect(results).toEqual(
      Array.from({ length: 30 }, (_, b) => ({ first: 3 + b * 10, last: 12 + b * 10 })),
    );
    await reading;
    expect(seen).toEqual(testAlerts(0, 302).map((a) => a.output));
    // The same alerts as append would store: facets of the store count them all, by name.
    expect(store.facets({}).total).toBe(302);
    expect(
      store
        .facets({})
        .hostname.map((h) => h.value)
        .sort(),
    ).toEqual(["node-a", "node-b", "node-c"]);
    await store.closeAsync();
  });

  it("lets this thread's event loop run while it appends (append does not)", async () => {
    const store = openAlertStore({ directory: tempDir() });
    const alerts = testAlerts(0, 3000);
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    store.append(alerts.slice(0, 1500));
    const syncTurns = turns;
    await store.appendAsync(alerts.slice(1500));
    ticking = false;
    expect(syncTurns).toBe(0);
    expect(turns).toBeGreaterThan(0);
    expect(store.stats().count).toBe(3000);
    await store.closeAsync();
  });

  it("a batch given after close is refused; close lets the batches in flight be stored", async () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    const inFlight = [
      store.appendAsync(testAlerts(0, 500)),
      store.appendAsync(testAlerts(500, 1000)),
    ];
    const closing = store.closeAsync();
    await expect(store.appendAsync(testAlerts(1000, 1001))).rejects.toBeInstanceOf(
      StoreClosedError,
    );
    expect(await Promise.all(inFlight)).toEqual([
      { first: 1, last: 500 },
      { first: 501, last: 1000 },
    ]);
    await closing;
    const again = openAlertStore({ directory });
    expect(again.stats()).toMatchObject({ count: 1000, lastCursor: 1000 });
    again.close();
  });

  it("a batch the thread cannot store rejects with the store's error class and its message; the next one is stored", async () => {
    const store = openAlertStore({ directory: tempDir() });
    const broken = { ...testAlerts(0, 1)[0], timeNs: "not a time" } as unknown as Alert;
    await expect(store.appendAsync([broken])).rejects.toThrow();
    expect(await store.appendAsync(testAlerts(0, 3))).toEqual({ first: 1, last: 3 });
    await store.closeAsync();
    // Each store error code comes back as its class, with its message.
    const full = errorFromWorker(errorToWorker(new StoreFullError("the disk of x is full")));
    expect(full).toBeInstanceOf(StoreFullError);
    expect(full.message).toBe("the disk of x is full");
    expect(errorFromWorker({ code: undefined, message: "other" })).toEqual(new Error("other"));
  });

  it("saves a checkpoint with its batch, and alone for an empty one; this handle reads it", async () => {
    const store = openAlertStore({ directory: tempDir() });
    expect(store.checkpoint("journal")).toBe(0);
    await store.appendAsync(testAlerts(0, 3), { checkpoint: { name: "journal", value: 120 } });
    expect(store.checkpoint("journal")).toBe(120);
    expect(store.stats().count).toBe(3);
    expect(await store.appendAsync([], { checkpoint: { name: "journal", value: 150 } })).toBe(
      undefined,
    );
    expect(store.checkpoint("journal")).toBe(150);
    await store.closeAsync();
  });
});
