/// <reference lib="dom" />
// A store of 1,000,000 alerts browsed in chromium: the store is filled by a child process that
// then serves it as `falco-alerts ui --store DIR` does (million-store-process.mjs, after
// `pnpm build`); every count the page shows is checked against a count the test makes from the
// generator (million-alerts.mjs), never from the store.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM } from "./browser-session.js";
import { HOSTS, millionAlert, millionAlertJson, millionAlertTime } from "./million-alerts.mjs";

const COUNT = 1_000_000;
const DAY_MS = 86_400_000;
/** How deep the test scrolls the unfolded table (rows, 200 per page the page loads). */
const DEEP = 20_000;
const SETUP_MS = 300_000;
const SCRIPT = new URL("./million-store-process.mjs", import.meta.url).pathname;

type Facets = Record<string, Record<string, number>>;

/** The facets as the page shows them: group label -> value -> count. */
const shownFacets = (page: Page): Promise<Facets> =>
  page
    .locator("#facets section.facet")
    .evaluateAll((sections) =>
      Object.fromEntries(
        sections.map((s) => [
          s.querySelector("h3")?.textContent ?? "",
          Object.fromEntries(
            Array.from(s.querySelectorAll("li")).map((li) => [
              li.querySelector(".facet-value")?.textContent ?? "",
              Number((li.querySelector(".facet-count")?.textContent ?? "").replace(/\D/g, "")),
            ]),
          ),
        ]),
      ),
    );
const numberIn = async (page: Page, selector: string) =>
  Number(((await page.locator(selector).textContent()) ?? "").replace(/\D/g, ""));

/** The independent count: alerts of the generator for which `keep` holds, by `key`. */
function countBy(keep: (i: number) => boolean, key: (i: number) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < COUNT; i++) if (keep(i)) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return counts;
}
const total = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
/** Each value the page shows in a facet group has the count made independently. */
function expectFacet(shown: Record<string, number> | undefined, counts: Map<string, number>) {
  expect(Object.keys(shown ?? {}).length).toBeGreaterThan(0);
  for (const [value, count] of Object.entries(shown ?? {}))
    expect([value, count]).toEqual([value, counts.get(value) ?? 0]);
}

/**
 * Scrolls the table to its end until the page holds `target` alerts, or holds no more after 30 s
 * of scrolling without a new page (no older page: the caller's count then fails).
 */
async function scrollToHold(
  page: Page,
  target: number,
): Promise<{ held: number; maxRows: number }> {
  return page.evaluate(async (target) => {
    const table = document.getElementById("table") as HTMLElement;
    const held = () =>
      Number((document.getElementById("shown")?.textContent ?? "").replace(/\D/g, ""));
    let maxRows = 0;
    for (let idle = 0; held() < target && idle < 1500; ) {
      const before = held();
      table.scrollTop = table.scrollHeight;
      await new Promise((r) => setTimeout(r, 20));
      maxRows = Math.max(maxRows, table.querySelectorAll(".row").length);
      idle = held() === before ? idle + 1 : 0;
    }
    return { held: held(), maxRows };
  }, target);
}

/** The rows drawn and not hidden: [display index, cursor, rule, host]. */
const drawnRows = (page: Page) =>
  page.locator("#table .row:not([hidden])").evaluateAll((rows) =>
    rows.map((r) => {
      const row = r as HTMLElement;
      const text = (name: string) => row.querySelector(`.${name}`)?.textContent ?? "";
      return [
        Number(row.dataset.index),
        Number(row.dataset.cursor),
        text("rule"),
        text("hostname"),
      ];
    }),
  );

describe.skipIf(!existsSync(CHROMIUM))("a store of 1,000,000 alerts browsed in chromium", () => {
  let directory = "";
  const endMs = Date.now();
  let child: ChildProcessByStdio<Writable, Readable, null> | undefined;
  let browser: Browser | undefined;
  let served: { filledMs: number; url: string; login: string };

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "falco-ui-million-"));
    child = spawn(process.execPath, [SCRIPT, directory, String(COUNT), String(endMs)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const exited = new Promise<never>((_, reject) =>
      child?.once("exit", (code) =>
        reject(new Error(`million-store-process.mjs exited (${code})`)),
      ),
    );
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = lines.next().then((line) => JSON.parse(String(line.value)));
    served = await Promise.race([first, exited]);
    console.log(`1,000,000 alerts stored in ${(served.filledMs / 1000).toFixed(1)} s`);
  }, SETUP_MS);

  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.stdin.end();
      await new Promise((r) => child?.once("exit", r));
    }
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it(
    "shows the first view, scrolls deep with a bounded DOM, filters, opens an alert and its link",
    async () => {
      const alert = millionAlert;
      const context = await (browser as Browser).newContext({
        viewport: { width: 1280, height: 720 },
      });
      const page = await context.newPage();
      await page.goto(served.login);
      await page.waitForURL((url) => url.pathname === "/");

      // First view: the newest alert on top; facets of the whole store.
      await page.locator("#table .row[data-cursor]").first().waitFor();
      expect(
        await page.locator("#table .row[data-cursor]").first().getAttribute("data-cursor"),
      ).toBe(String(COUNT));
      await expect.poll(() => numberIn(page, ".facet-total"), { timeout: 30_000 }).toBe(COUNT);
      const facets = await shownFacets(page);
      const all = () => true;
      expectFacet(
        facets.Rule,
        countBy(all, (i) => alert(i).rule),
      );
      expectFacet(
        facets.Host,
        countBy(all, (i) => alert(i).hostname),
      );
      expectFacet(
        facets.Namespace,
        countBy(all, (i) => alert(i).namespace),
      );
      expectFacet(
        facets.Image,
        countBy(all, (i) => alert(i).image),
      );

      // Unfolded, scrolled deep: the page loads older pages as it goes; the DOM keeps a bounded
      // pool of rows, and the row at display index k is the alert of cursor COUNT - k.
      await page.locator("#fold-on").uncheck();
      await page.waitForURL((url) => url.searchParams.get("fold") === "off");
      const deep = await scrollToHold(page, DEEP);
      expect(deep.held).toBeGreaterThanOrEqual(DEEP);
      expect(deep.maxRows).toBeLessThan(100);
      const index = DEEP - 500;
      await page.locator("#table").evaluate((t, top) => {
        t.scrollTop = top;
      }, index * 28);
      await page.locator(`#table .row[data-index="${index}"]`).waitFor();
      const rows = await drawnRows(page);
      expect(rows.length).toBeGreaterThan(10);
      expect(rows.length).toBeLessThan(100);
      for (const [k, cursor, rule, host] of rows)
        expect([k, cursor, rule, host]).toEqual([
          k,
          COUNT - Number(k),
          alert(COUNT - Number(k) - 1).rule,
          alert(COUNT - Number(k) - 1).hostname,
        ]);

      // An alert's JSON, exactly as generated (big integer included), and its place in the URL.
      const opened = index + 3;
      const cursor = COUNT - opened;
      const json = millionAlertJson(cursor - 1, millionAlertTime(cursor - 1, COUNT, endMs, DAY_MS));
      await page.locator(`#table .row[data-index="${opened}"]`).click();
      await expect
        .poll(() => page.locator("#detail-title").textContent())
        .toBe(`#${cursor} ${alert(cursor - 1).rule}`);
      const shownJson = (await page.locator("#detail-json").textContent()) ?? "";
      expect(shownJson).toContain(`"evt.num": ${9007199254740993n + BigInt(cursor - 1)}`);
      expect(shownJson.replace(/\s+/g, "")).toBe(json.replace(/\s+/g, ""));
      expect(new URL(page.url()).searchParams.get("alert")).toBe(String(cursor));

      // The URL round trip at that position: another page on the link shows the same alert, on
      // the same row, scrolled to, unfolded, its JSON open.
      const linked = await context.newPage();
      await linked.goto(page.url());
      const selected = linked.locator('#table .row[aria-selected="true"]');
      await selected.waitFor({ timeout: 30_000 });
      expect(await selected.getAttribute("data-cursor")).toBe(String(cursor));
      expect(await selected.getAttribute("data-index")).toBe(String(opened));
      expect(await linked.locator("#detail-title").textContent()).toBe(
        `#${cursor} ${alert(cursor - 1).rule}`,
      );
      expect(await linked.locator("#detail-json").textContent()).toBe(shownJson);
      expect(await linked.locator("#fold-on").isChecked()).toBe(false);
      await linked.close();

      // A link to the oldest alert, far beyond the 100,000 newest the page holds: the page loads
      // down to its bound, then reads that alert from the store by its cursor and shows its JSON.
      const oldest = await context.newPage();
      await oldest.goto(`${served.url}?fold=off&alert=1`);
      await expect
        .poll(() => oldest.locator("#detail-title").textContent(), { timeout: 60_000 })
        .toBe(`#1 ${alert(0).rule}`);
      expect(((await oldest.locator("#detail-json").textContent()) ?? "").replace(/\s+/g, "")).toBe(
        millionAlertJson(0, millionAlertTime(0, COUNT, endMs, DAY_MS)).replace(/\s+/g, ""),
      );
      expect(await oldest.locator("#notice").textContent()).toContain(
        "alert #1 of the link is older than the 100,000 alerts this page holds: its JSON is open",
      );
      await oldest.close();

      // A facet: only the namespace payments (the opened alert leaves the URL with the filter).
      await page.locator(".facet-value", { hasText: /^payments$/ }).click();
      await page.waitForURL((url) => url.searchParams.get("field.k8s.ns.name") === "payments");
      expect(new URL(page.url()).searchParams.get("alert")).toBe(null);
      const payments = (i: number) => alert(i).namespace === "payments";
      const byRule = countBy(payments, (i) => alert(i).rule);
      await expect
        .poll(() => numberIn(page, ".facet-total"), { timeout: 30_000 })
        .toBe(total(byRule));
      await expect
        .poll(async () => (await shownFacets(page)).Rule)
        .toEqual(Object.fromEntries([...byRule].sort((a, b) => b[1] - a[1]).slice(0, 8)));

      // A search: a rule, a host, a namespace left out and a word of the output; scrolled to its
      // end, the page holds every alert it matches.
      const host = HOSTS[5] as string;
      await page
        .locator("#search-text")
        .fill(`rule:"Read sensitive file untrusted" hostname:${host} -k8s.ns.name:default shadow`);
      await page.locator("#search-text").press("Enter");
      await page.waitForURL((url) => url.searchParams.get("q") === "shadow");
      const matches = (i: number) => {
        const a = alert(i);
        return (
          a.rule === "Read sensitive file untrusted" &&
          a.hostname === host &&
          a.namespace !== "default" &&
          a.file === "/etc/shadow"
        );
      };
      const expected = total(countBy(matches, (i) => alert(i).namespace));
      expect(expected).toBeGreaterThan(200);
      await expect.poll(() => numberIn(page, ".facet-total"), { timeout: 30_000 }).toBe(expected);
      expect((await scrollToHold(page, expected)).held).toBe(expected);
      await expect.poll(() => numberIn(page, "#shown")).toBe(expected);
      await context.close();
    },
    SETUP_MS,
  );
});
