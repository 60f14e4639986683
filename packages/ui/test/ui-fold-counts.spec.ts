/// <reference lib="dom" />
// A fold's count is the store's, not only the alerts the page holds: alerts appended while the
// page is paused are in the store and not in the page; the fold says how many the store has and
// how many the page holds, and live alerts after that are added once.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertOf, CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

describe.skipIf(!existsSync(CHROMIUM))("a fold's count from the store, in chromium", () => {
  let session: UiSession;
  beforeAll(async () => {
    session = await startUiSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("counts the store's alerts of a fold, says how many the page holds, and adds live ones once", async () => {
    const rule = "Counted fold";
    const append = (second: number, proc = "sh") =>
      session.store.append([
        alertOf({
          rule,
          hostname: "count-host",
          time: `2026-12-05T09:10:${String(second).padStart(2, "0")}.123456789Z`,
          fields: JSON.stringify({ "proc.name": proc }),
        }),
      ]);
    for (const s of [1, 2, 3, 4]) append(s);
    // Another rule in the same window: the view's filter (rule=) leaves it out of the count.
    session.store.append([alertOf({ rule: "Not this one", hostname: "count-host" })]);

    const page = await session.browser.newPage();
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto(`${session.server.url}?rule=${encodeURIComponent(rule)}`);
    await page.locator("#status[data-state=live]").waitFor();
    const fold = page.locator(".row.fold:not([hidden])", { hasText: "count-host" });
    const state = () =>
      fold.evaluate((r) => {
        const row = r as HTMLElement;
        return [row.dataset.count, row.dataset.held, row.dataset.countedBy];
      });
    await expect.poll(state).toEqual(["4", "4", "store"]);

    // Paused: three more of the fold go into the store, not into the page.
    await page.locator("#pause").click();
    for (const s of [5, 6, 7]) append(s);
    await page.locator("#pause", { hasText: "Resume (3 new)" }).waitFor();
    // New settings ask the store again: 7 alerts there, 4 here.
    await page.locator("#fold-window").selectOption("15m");
    await expect.poll(state).toEqual(["7", "4", "store"]);
    const cell = fold.locator(".count");
    expect(await cell.textContent()).toBe("▸ ×7 within 15 min");
    expect(await cell.getAttribute("title")).toContain(
      "7 alerts in the store in this 15 min window; this page holds 4 of them",
    );

    // Resumed: the page holds the 7, counted once; a live one makes 8.
    await page.locator("#pause").click();
    await expect.poll(state).toEqual(["7", "7", "store"]);
    expect(await cell.textContent()).toBe("▸ ×7 in 6 s");
    append(9);
    await expect.poll(state).toEqual(["8", "8", "store"]);
    expect(await cell.textContent()).toBe("▸ ×8 in 8 s");

    // Folded by a field the alerts lack: the store cannot match "no value", the page says so.
    await page.locator("#fold-by").fill("container.id");
    await page.locator("#fold-by").press("Enter");
    await expect.poll(state).toEqual(["8", "8", "page"]);
    await expect
      .poll(() => cell.getAttribute("title"))
      .toContain(
        "8 alerts this page holds (the store cannot count this fold: the store's filter cannot match its container.id",
      );
    await page.close();
  });
});
