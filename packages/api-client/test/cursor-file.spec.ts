// cursorFile against the real server: when it is written, resuming from it, refusals.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "@falco-sdk/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AlertStreamStatus,
  type ApiAlert,
  createAlertStreamClient,
  readCursor,
} from "../src/index.js";
import { cleanUp, StatusLog, startApi, tempDir, testAlerts } from "./api-fixture.js";

afterEach(cleanUp);

const next = async (iterator: AsyncIterator<ApiAlert>) =>
  ((await iterator.next()).value as ApiAlert).cursor;

describe("cursorFile", () => {
  it("holds the last alert the loop finished with: saved when it asks for the next one", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 10));
    const file = join(tempDir(), "state", "deep", "tail.cursor");
    const client = createAlertStreamClient({ url: api.url });
    const subscription = client.subscribe({ resumeFrom: 0, cursorFile: file });
    const iterator = subscription[Symbol.asyncIterator]();
    expect(await next(iterator)).toBe(1);
    // Alert 1 is in the loop's hands: not saved yet.
    expect(readCursor(file)).toBeUndefined();
    expect(await next(iterator)).toBe(2);
    expect(readFileSync(file, "utf8")).toBe("1\n");
    expect(subscription.cursor).toBe(1);
    // Leaving the loop (break, return, throw) counts the alert in hand as done.
    await iterator.return?.();
    expect(readFileSync(file, "utf8")).toBe("2\n");
    expect(readdirSync(join(file, "..")).sort()).toEqual(["tail.cursor"]);
  });

  it("cursorSaveIntervalMs: in a burst, saved at most that often; at once when the loop waits", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 10));
    const file = join(tempDir(), "tail.cursor");
    const subscription = createAlertStreamClient({ url: api.url }).subscribe({
      resumeFrom: 0,
      cursorFile: file,
      cursorSaveIntervalMs: 60_000,
    });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const iterator = subscription[Symbol.asyncIterator]();
    expect(await next(iterator)).toBe(1);
    await log.waitFor((e) => e.type === "caught-up");
    expect(subscription.pending).toBe(9);
    // The first save is at once, then none for 60 s while alerts are queued.
    expect(await next(iterator)).toBe(2);
    expect(readCursor(file)).toBe(1);
    for (let cursor = 3; cursor <= 10; cursor++) expect(await next(iterator)).toBe(cursor);
    expect(readCursor(file)).toBe(1);
    expect(subscription.cursor).toBe(9);
    // Nothing queued: the loop is going to wait, so alert 10 is saved now.
    const waiting = iterator.next();
    expect(readCursor(file)).toBe(10);
    subscription.unsubscribe();
    expect((await waiting).done).toBe(true);
  });

  it("resumes right after the cursor it holds, whatever resumeFrom says", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 20));
    const file = join(tempDir(), "tail.cursor");
    const client = createAlertStreamClient({ url: api.url });
    const seen: number[] = [];
    for (let run = 0; run < 4; run++) {
      for await (const alert of client.subscribe({ resumeFrom: 0, cursorFile: file })) {
        seen.push(alert.cursor);
        if (seen.length % 5 === 0) break;
      }
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(readCursor(file)).toBe(20);
  });

  it("is saved when the subscription is ended by its signal while the loop waits", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 3));
    const file = join(tempDir(), "tail.cursor");
    const controller = new AbortController();
    const subscription = createAlertStreamClient({ url: api.url }).subscribe({
      resumeFrom: 0,
      cursorFile: file,
      signal: controller.signal,
    });
    const seen: number[] = [];
    for await (const alert of subscription) {
      seen.push(alert.cursor);
      if (alert.cursor === 3) controller.abort();
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(readCursor(file)).toBe(3);
    expect(await subscription.closed).toEqual({ reason: "aborted" });
  });

  it("refuses a file that holds something else, saying what to do", async () => {
    const file = join(tempDir(), "tail.cursor");
    writeFileSync(file, "not a cursor\n");
    const client = createAlertStreamClient({ url: "http://127.0.0.1:1" });
    let error: unknown;
    try {
      client.subscribe({ cursorFile: file });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("does not hold a cursor");
    expect((error as Error).message).toContain("delete it to start from resumeFrom");
  });

  it("ends with a clear error when its cursor is past the store's newest alert (another store)", async () => {
    const api = await startApi();
    api.store.append(testAlerts(0, 3));
    const file = join(tempDir(), "tail.cursor");
    writeFileSync(file, "999\n");
    const subscription = createAlertStreamClient({ url: api.url }).subscribe({ cursorFile: file });
    await expect(async () => {
      for await (const _ of subscription) break;
    }).rejects.toMatchObject({
      code: "api-bad-request",
      serverCode: "bad-parameter",
      message: expect.stringMatching(/past the newest alert.*kept in cursorFile .*delete it/),
    });
    expect(readCursor(file)).toBe(999);
  });
});
