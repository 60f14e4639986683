/// <reference lib="dom" />
// Pause and resume keep their place: while paused, alerts that arrive wait (counted on the
// Resume button); the rows in view, the scroll position, the selected row and the open JSON do
// not move; on resume every alert that waited is in the table (counted against the store).
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertOf, CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

/** What the user sees of the table: its scroll, the rows in view and where, the open alert. */
function seen(page: Page) {
  return page.evaluate(() => {
    const vp = document.getElementById("table") as HTMLElement;
    const box = vp.getBoundingClientRect();
    const rows = Array.from(vp.querySelectorAll<HTMLElement>(".row:not([hidden])"))
      .map((row) => {
        const r = row.getBoundingClientRect();
        return {
          cursor: row.dataset.cursor,
          rule: row.querySelector(".rule")?.textContent,
          y: r.top - box.top,
          bottom: r.bottom - box.top,
        };
      })
      .filter((r) => r.bottom > 0 && r.y < vp.clientHeight)
      .sort((a, b) => a.y - b.y)
      .map(({ bottom: _, ...r }) => r);
    const selected = vp.querySelectorAll<HTMLElement>('.row[aria-selected="true"]:not([hidden])');
    return {
      scrollTop: vp.scrollTop,
      rows,
      selected: Array.from(selected).map((row) => row.dataset.cursor),
      json: document.getElementById("detail-json")?.textContent,
      link: new URLSearchParams(location.search).get("alert"),
      shown: document.getElementById("shown")?.textContent,
    };
  });
}

const shownOf = (n: number) => `${n.toLocaleString("en-US")} shown`;

/** Waits until the page says it holds `n` alerts. */
function waitShown(page: Page, n: number) {
  return page.waitForFunction(
    (text) => document.getElementById("shown")?.textContent === text,
    shownOf(n),
  );
}

describe.skipIf(!existsSync(CHROMIUM))("pause and resume in chromium", () => {
  let session: UiSession;
  let page: Page;

  beforeAll(async () => {
    session = await startUiSession();
    // One rule each: no fold, one row per alert. Fewer than a page: the page holds them all.
    session.store.append(Array.from({ length: 150 }, (_, i) => alertOf({ rule: `stored ${i}` })));
    page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.locator("#status[data-state=live]").waitFor();
    await waitShown(page, 150);
  });
  afterAll(async () => {
    await session?.close();
  });

  /** Pauses, appends `n` alerts to the store, waits for the page to count them, and checks
   * that nothing the user sees moved; returns what was seen and the rules appended. */
  async function pauseAndAppend(label: string, n: number) {
    const before = await seen(page);
    expect(before.selected).toHaveLength(1);
    expect(before.json).toContain(`"rule": "`);
    await page.locator("#pause").click();
    await page.locator("#status[data-state=paused]").waitFor();
    expect(await seen(page)).toEqual(before);
    const rules = Array.from({ length: n }, (_, i) => `${label} ${i}`);
    session.store.append(rules.map((rule) => alertOf({ rule })));
    await page.locator("#pause", { hasText: `Resume (${n} new)` }).waitFor();
    expect(await seen(page)).toEqual(before);
    expect(await page.locator(".row .rule", { hasText: label }).count()).toBe(0);
    return { before, rules };
  }

  it("at the top: the rows, the selected alert and its JSON stay; on resume the waiting alerts come in on top", async () => {
    await page.locator('.row[data-index="2"]').click();
    await expect.poll(() => page.locator("#detail-json").textContent()).toContain("stored 147");
    const { before, rules } = await pauseAndAppend("while paused at the top", 12);
    expect(before.scrollTop).toBe(0);

    await page.locator("#pause").click();
    expect(await page.locator("#pause").textContent()).toBe("Pause");
    await page.locator("#status[data-state=live]").waitFor();
    const count = session.store.stats().count;
    expect(count).toBe(150 + rules.length);
    await waitShown(page, count);
    const after = await seen(page);
    // Newest first: the 12 that waited on top, then the rows that were there.
    expect(after.rows.slice(0, 12).map((r) => r.rule)).toEqual([...rules].reverse());
    expect(after.rows.slice(12).map((r) => r.cursor)).toEqual(
      before.rows.slice(0, after.rows.length - 12).map((r) => r.cursor),
    );
    expect([after.selected, after.json, after.link]).toEqual([
      before.selected,
      before.json,
      before.link,
    ]);
  });

  it("scrolled down: the rows in view keep their place while paused and after resume; the waiting alerts are all there", async () => {
    const held = session.store.stats().count;
    // A scroll that leaves a row cut at the top: its place is kept to the pixel.
    await page.locator("#table").evaluate((vp) => {
      vp.scrollTop = 2013;
    });
    const target = page.locator('.row[data-index="80"]');
    await target.waitFor();
    await target.click();
    const cursor = await target.getAttribute("data-cursor");
    await expect.poll(() => new URL(page.url()).searchParams.get("alert")).toBe(cursor);
    const { before, rules } = await pauseAndAppend("while paused scrolled", 25);
    expect(before.scrollTop).toBe(2013);
    expect(before.rows[0]?.y).toBeLessThan(0);

    await page.locator("#pause").click();
    await page.locator("#status[data-state=live]").waitFor();
    const count = session.store.stats().count;
    expect(count).toBe(held + rules.length);
    await waitShown(page, count);
    // New alerts went on top, above the view: what the user sees has not moved.
    const after = await seen(page);
    expect({ ...after, scrollTop: 0, shown: "" }).toEqual({ ...before, scrollTop: 0, shown: "" });
    expect(after.selected).toEqual([cursor]);

    // The newest on top: the keyboard walks down the rows that waited, newest first.
    await page.locator("#table").focus();
    await page.keyboard.press("Home");
    for (const [i, rule] of [...rules].reverse().entries()) {
      if (i > 0) await page.keyboard.press("ArrowDown");
      const row = page.locator(`.row[data-index="${i}"][aria-selected="true"] .rule`);
      expect(await row.textContent()).toBe(rule);
    }
    await page.keyboard.press("ArrowDown");
    expect(
      await page
        .locator(`.row[data-index="${rules.length}"][aria-selected="true"]`)
        .getAttribute("data-cursor"),
    ).toBe(String(held));
  });
});
