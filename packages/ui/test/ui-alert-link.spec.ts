/// <reference lib="dom" />
// An `alert=<cursor>` link to an alert the table has no row for opens it anyway: inside a closed
// fold, the fold opens; left out by the view's filters, its JSON is read from the store by its
// cursor; not in the store, the notice says so. (Older than the 100,000 alerts the page holds:
// ui-million.spec.ts.)
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertOf, CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

describe.skipIf(!existsSync(CHROMIUM))("alert= links to alerts without a row, in chromium", () => {
  let session: UiSession;
  let page: Page;
  beforeAll(async () => {
    session = await startUiSession();
    page = await session.browser.newPage();
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
  });
  afterAll(async () => {
    await session?.close();
  });

  const open = async (query: string) => {
    await page.goto(`${session.server.url}?${query}`);
    await page.locator("#status[data-state=live]").waitFor();
  };

  it("opens an alert inside a closed fold: the fold opens, its row selected, its JSON shown", async () => {
    const at = (s: number) => `2026-12-05T10:20:0${s}.123456789Z`;
    for (const s of [1, 2, 3, 4])
      session.store.append([
        alertOf({ rule: "Linked fold", hostname: "link-host", output: `member ${s}`, time: at(s) }),
      ]);
    const cursor = session.store.stats().lastCursor - 2; // "member 2", inside the fold
    await open(`rule=Linked+fold&alert=${cursor}`);
    const selected = page.locator('#table .row[aria-selected="true"]');
    await expect.poll(() => selected.getAttribute("data-cursor")).toBe(String(cursor));
    expect(await selected.getAttribute("class")).toContain("member");
    expect(await page.locator(".row.fold").getAttribute("aria-expanded")).toBe("true");
    expect(await page.locator("#detail-json").textContent()).toContain('"output": "member 2"');
    expect(await page.locator("#notice").isHidden()).toBe(true);
  });

  it("reads an alert the view's filters leave out from the store by its cursor, and says so", async () => {
    session.store.append([
      alertOf({
        rule: "Left out by the filter",
        output: "<img src=x onerror=window.__xss=1> linked",
        fields: `{"evt.num":18446744073709551615}`,
      }),
    ]);
    const cursor = session.store.stats().lastCursor;
    session.store.append([alertOf({ rule: "Kept by the filter" })]);
    await open(`rule=Kept+by+the+filter&alert=${cursor}`);
    await expect
      .poll(() => page.locator("#detail-title").textContent())
      .toBe(`#${cursor} Left out by the filter`);
    const json = await page.locator("#detail-json").textContent();
    expect(json).toContain('"evt.num": 18446744073709551615');
    expect(json).toContain('"output": "<img src=x onerror=window.__xss=1> linked"');
    expect(await page.locator("#notice").textContent()).toBe(
      `alert #${cursor} of the link does not match this view's filters: its JSON is open; Clear the filters to see its row`,
    );
    expect(new URL(page.url()).searchParams.get("alert")).toBe(String(cursor));
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss ?? null)).toBe(null);
  });

  it("says an alert is not in the store", async () => {
    const cursor = session.store.stats().lastCursor + 1000;
    await open(`alert=${cursor}`);
    await expect
      .poll(() => page.locator("#notice").textContent())
      .toBe(`alert #${cursor} of the link is not in the store (retention may have removed it)`);
    expect(await page.locator("#detail").isHidden()).toBe(true);
  });
});
