import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { openAlertStore } from "./alert-store.js";
import { StoreLockedError } from "./store-lock-error.js";
import { testAlerts } from "./test-alerts.js";
import { useTempDirs } from "./test-dirs.test.js";

const tempDir = useTempDirs();

describe("named checkpoints and removeThrough", () => {
  it("keeps each checkpoint across a reopen; 0 for one never set", () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    expect(store.checkpoint("spool")).toBe(0);
    store.append(testAlerts(0, 5));
    store.setCheckpoint("spool", 3);
    store.setCheckpoint("other", 1);
    store.setCheckpoint("spool", 4);
    store.close();
    const again = openAlertStore({ directory });
    expect(again.checkpoint("spool")).toBe(4);
    expect(again.checkpoint("other")).toBe(1);
    expect(again.checkpoint("none")).toBe(0);
    again.close();
  });

  it("saves an append's checkpoint in the batch's transaction: both, or neither", () => {
    const directory = tempDir();
    const store = openAlertStore({ directory });
    store.append(testAlerts(0, 3), { checkpoint: { name: "journal", value: 300 } });
    expect(store.checkpoint("journal")).toBe(300);
    store.append([], { checkpoint: { name: "journal", value: 320 } });
    expect(store.checkpoint("journal")).toBe(320);
    // A batch that fails (an alert the store cannot take) saves no checkpoint either.
    const bad = { ...testAlerts(3, 4)[0]!, timeNs: "not a time" } as never;
    expect(() =>
      store.append([...testAlerts(3, 5), bad], { checkpoint: { name: "journal", value: 999 } }),
    ).toThrow();
    expect(store.checkpoint("journal")).toBe(320);
    expect(store.stats().count).toBe(3);
    store.close();
    const again = openAlertStore({ directory });
    expect(again.checkpoint("journal")).toBe(320);
    again.close();
  });

  it("removes a prefix of the cursors, not counted as retention, and readers see the gap", async () => {
    const store = openAlertStore({ directory: tempDir() });
    store.append(testAlerts(0, 4500));
    expect(store.removeThrough(4200)).toBe(4200);
    expect(store.removeThrough(100)).toBe(0);
    expect(store.stats()).toMatchObject({ count: 300, firstCursor: 4201, removed: 0 });
    expect(store.query({ limit: 1000 }).alerts).toHaveLength(300);
    expect(store.facets().total).toBe(300);
    const reader = store.read({ after: 4000, follow: false });
    const events: unknown[] = [];
    const watching = (async () => {
      for await (const e of reader.status()) events.push(e);
    })();
    const cursors: number[] = [];
    for await (const a of reader) cursors.push(a.cursor);
    await watching;
    expect(cursors[0]).toBe(4201);
    expect(cursors).toHaveLength(300);
    expect(events[0]).toMatchObject({ type: "gap", count: 200, after: 4000, resumedAt: 4201 });
    expect(store.append(testAlerts(0, 1))).toEqual({ first: 4501, last: 4501 });
    // Everything removed: a reader behind is told how many it missed, then follows.
    store.removeThrough(4501);
    const behind = store.read({ after: 4400, follow: false });
    const gaps: unknown[] = [];
    const watchingBehind = (async () => {
      for await (const e of behind.status()) gaps.push(e);
    })();
    for await (const a of behind) throw new Error(`unexpected ${a.cursor}`);
    await watchingBehind;
    expect(gaps[0]).toMatchObject({ type: "gap", count: 101, after: 4400, resumedAt: 4502 });
    store.close();
  });
});

describe("textIndex: false", () => {
  it("stores and reads alerts without indexing their output: a text filter does not find them", () => {
    const store = openAlertStore({ directory: tempDir(), textIndex: false });
    store.append(testAlerts(0, 10));
    expect(store.query({ limit: 100 }).alerts).toHaveLength(10);
    expect(store.query({ filter: { text: "alert" } }).alerts).toHaveLength(0);
    expect(store.removeThrough(10)).toBe(10);
    store.close();
  });
});

describe("exclusive stores", () => {
  it("refuses a second exclusive opener of the directory until the first closes", () => {
    const directory = tempDir();
    const first = openAlertStore({ directory, exclusive: true });
    expect(() => openAlertStore({ directory, exclusive: true })).toThrow(StoreLockedError);
    // A store that does not ask for the directory still reads it.
    const reader = openAlertStore({ directory });
    reader.close();
    first.close();
    openAlertStore({ directory, exclusive: true }).close();
  });

  it("is released when the owning process is killed (kill -9)", async () => {
    const directory = tempDir();
    const storeUrl = new URL("../dist/index.js", import.meta.url).href;
    const code = `
      const { openAlertStore } = await import(${JSON.stringify(storeUrl)});
      globalThis.owner = openAlertStore({ directory: ${JSON.stringify(directory)}, exclusive: true });
      process.stdout.write("locked\\n");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => String(d).includes("locked") && resolve());
      child.once("exit", (c) => reject(new Error(`the owner exited (${c})`)));
    });
    let error: unknown;
    try {
      openAlertStore({ directory, exclusive: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreLockedError);
    expect((error as Error).message).toContain(directory);
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
    openAlertStore({ directory, exclusive: true }).close();
  });
});
