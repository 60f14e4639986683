/// <reference lib="dom" />
// Brushing the histogram: a drag across it sets since and until in the URL, and the table, the
// facets and the histogram follow; the counts are checked against the alerts made here.
import { existsSync } from "node:fs";
import { parseAlertJson } from "@falco-sdk/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

const MINUTE_MS = 60_000;
const RULES = ["Shell in container", "Read sensitive file", "Write below etc"];

describe.skipIf(!existsSync(CHROMIUM))("histogram brushing in chromium", () => {
  let session: UiSession;
  beforeAll(async () => {
    session = await startUiSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("a drag sets since and until; the table and facets count what the range holds; a double click undoes it", async () => {
    const now = Date.now();
    // 48 alerts over the last day, one every 30 minutes, oldest first (cursor order = time order).
    const made = Array.from({ length: 48 }, (_, k) => ({
      rule: RULES[k % 3] as string,
      timeMs: now - 20 * MINUTE_MS - (47 - k) * 30 * MINUTE_MS,
    }));
    session.store.append(
      made.map((m, k) =>
        parseAlertJson(
          JSON.stringify({
            output: `alert ${k}`,
            priority: k % 2 ? "Warning" : "Error",
            rule: m.rule,
            time: new Date(m.timeMs).toISOString(),
            hostname: "node-a",
            source: "syscall",
            tags: [],
            output_fields: { "proc.name": "sh" },
          }),
        ),
      ),
    );
    const page = await session.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto(`${session.server.url}?fold=off`);
    await page.locator("#status[data-state=live]").waitFor();
    const shown = page.locator("#shown");
    const total = page.locator(".facet-total");
    await expect.poll(() => shown.textContent()).toBe(`${made.length} shown`);
    await expect.poll(() => total.textContent()).toBe(`${made.length} alerts match`);
    await expect.poll(() => page.locator("#histogram .column span").count()).toBeGreaterThan(40);

    // Drag from a quarter to 60% of the bars.
    const box = await page.locator("#histogram .bars").boundingBox();
    if (!box) throw new Error("the histogram has no box");
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, y, { steps: 4 });
    expect(await page.locator("#histogram .brush").isVisible()).toBe(true);
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 });
    await page.mouse.up();
    await page.waitForURL((url) => url.searchParams.has("since") && url.searchParams.has("until"));
    const url = new URL(page.url());
    expect(url.searchParams.get("fold")).toBe("off");
    const since = Date.parse(url.searchParams.get("since") as string);
    const until = Date.parse(url.searchParams.get("until") as string);
    // About 35% of the day the bars show, wherever the page's clock put them.
    expect((until - since) / 86_400_000).toBeGreaterThan(0.3);
    expect((until - since) / 86_400_000).toBeLessThan(0.4);

    // Counted here: the API's range is since <= time < until.
    const inRange = made.filter((m) => m.timeMs >= since && m.timeMs < until);
    expect(inRange.length).toBeGreaterThan(10);
    expect(inRange.length).toBeLessThan(made.length);
    await expect.poll(() => shown.textContent()).toBe(`${inRange.length} shown`);
    await expect.poll(() => total.textContent()).toBe(`${inRange.length} alerts match`);
    const ruleFacet = await page
      .locator(".facet", { has: page.locator("h3", { hasText: /^Rule$/ }) })
      .locator("li")
      .evaluateAll((items) =>
        items.map((li) => [
          li.querySelector(".facet-value")?.textContent,
          Number(li.querySelector(".facet-count")?.textContent),
        ]),
      );
    const expected = RULES.map((r) => [r, inRange.filter((m) => m.rule === r).length])
      .filter(([, n]) => (n as number) > 0)
      .sort(
        (a, b) =>
          (b[1] as number) - (a[1] as number) || (a[0] as string).localeCompare(b[0] as string),
      );
    expect(ruleFacet).toEqual(expected);
    // The table's rows are the range's alerts, newest first.
    const outputs = await page
      .locator(".row:not([hidden]) .cell.output")
      .evaluateAll((cells) => cells.map((c) => c.textContent));
    expect(outputs).toEqual(
      inRange
        .map((m) => `alert ${made.indexOf(m)}`)
        .reverse()
        .slice(0, outputs.length),
    );
    // The histogram now shows the range.
    await expect
      .poll(() => page.locator(".histogram-label").textContent())
      .toContain(new Date(since).toISOString().slice(0, 16).replace("T", " "));

    // A double click goes back to the last day.
    await page.locator("#histogram .bars").dblclick();
    await page.waitForURL((u) => !u.searchParams.has("since") && !u.searchParams.has("until"));
    await expect.poll(() => shown.textContent()).toBe(`${made.length} shown`);
    await expect.poll(() => total.textContent()).toBe(`${made.length} alerts match`);
    await page.close();
  });
});
