/// <reference lib="dom" />
// The page's shell in chromium: it loads nothing from another origin (works offline), copies an
// alert's exact JSON, sorts by time both ways, stays readable on a phone, and follows the
// system's dark and light themes with readable text in both.
import { existsSync } from "node:fs";
import { formatAlertJson } from "@falco-sdk/core";
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertOf, CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

const haveChromium = existsSync(CHROMIUM);

async function loggedIn(session: UiSession, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await session.browser.newContext(options);
  const page = await context.newPage();
  await page.goto(session.server.loginUrl());
  await page.waitForURL((url) => url.pathname === "/");
  await page.locator("#status[data-state=live]").waitFor();
  return page;
}

/** The rules of the rendered rows, top to bottom. */
async function rulesInOrder(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>(".row"))
      .map((row) => ({
        top: row.getBoundingClientRect().top,
        rule: row.querySelector(".rule")?.textContent ?? "",
      }))
      .sort((a, b) => a.top - b.top)
      .map((r) => r.rule),
  );
}

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const luminance = (css: string) => {
    const [r, g, bl] = (css.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe.skipIf(!haveChromium)("the page's shell in chromium", () => {
  let session: UiSession;
  const stored = [
    alertOf({ rule: "Shell first", time: "2026-12-05T08:00:01.000000001Z" }),
    alertOf({
      rule: "Shell second",
      time: "2026-12-05T08:00:02.000000002Z",
      fields: `{"proc.pid":9007199254740993,"proc.cmdline":"sh -c \\"echo <b>x</b>\\""}`,
    }),
    alertOf({ rule: "Shell third", time: "2026-12-05T08:00:03.000000003Z" }),
  ];

  beforeAll(async () => {
    session = await startUiSession();
    session.store.append(stored);
  });
  afterAll(async () => {
    await session?.close();
  });

  it("requests nothing from another origin (works offline)", async () => {
    const context = await session.browser.newContext();
    const origin = new URL(session.server.url).origin;
    const requests: string[] = [];
    context.on("request", (request) => requests.push(request.url()));
    const page = await context.newPage();
    await page.goto(session.server.loginUrl());
    await page.locator("#status[data-state=live]").waitFor();
    await page.locator(".row .rule", { hasText: "Shell second" }).click();
    await page.locator("#detail-json").waitFor();
    await page.locator(".facet-value").first().waitFor();
    expect(requests.length).toBeGreaterThan(3);
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    await context.close();
  });

  it("copies the alert's exact JSON, big integers and quotes as stored", async () => {
    const page = await loggedIn(session, { permissions: ["clipboard-read", "clipboard-write"] });
    await page.locator(".row .rule", { hasText: "Shell second" }).click();
    await page.locator("#detail-copy").click();
    await expect.poll(() => page.locator("#detail-copy").textContent()).toBe("Copied");
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toBe(formatAlertJson(stored[1] as (typeof stored)[number]));
    expect(copied).toContain('"proc.pid":9007199254740993');
    await page.context().close();
  });

  it("sorts by time, newest first by default, oldest first after a click (kept in the URL)", async () => {
    const page = await loggedIn(session);
    await page.locator(".row .rule", { hasText: "Shell third" }).waitFor();
    const mine = (rules: string[]) => rules.filter((r) => r.startsWith("Shell "));
    expect(mine(await rulesInOrder(page))).toEqual(["Shell third", "Shell second", "Shell first"]);
    await page.locator("#sort-time").click();
    await expect
      .poll(async () => mine(await rulesInOrder(page)))
      .toEqual(["Shell first", "Shell second", "Shell third"]);
    expect(new URL(page.url()).searchParams.get("sort")).toBe("asc");
    await page.reload();
    await page.locator("#status[data-state=live]").waitFor();
    await expect
      .poll(async () => mine(await rulesInOrder(page)))
      .toEqual(["Shell first", "Shell second", "Shell third"]);
    await page.context().close();
  });

  it("fits a phone's width: no sideways scrolling, the rows and their rules on screen", async () => {
    const page = await loggedIn(session, {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const rule = page.locator(".row .rule", { hasText: "Shell third" });
    await rule.waitFor();
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    const box = await rule.boundingBox();
    expect(box).not.toBeNull();
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) < 390).toBe(true);
    await page.context().close();
  });

  it("follows the system's dark and light themes, with readable text in both", async () => {
    const themes: Record<string, { background: string; text: string }> = {};
    for (const colorScheme of ["light", "dark"] as const) {
      const page = await loggedIn(session, { colorScheme });
      await page.locator(".row .rule", { hasText: "Shell third" }).waitFor();
      themes[colorScheme] = await page.evaluate(() => {
        const style = getComputedStyle(document.body);
        const rule = document.querySelector(".row .rule") as HTMLElement;
        return { background: style.backgroundColor, text: getComputedStyle(rule).color };
      });
      await page.context().close();
    }
    const { light, dark } = themes as Record<
      "light" | "dark",
      { background: string; text: string }
    >;
    expect(light.background).not.toBe(dark.background);
    expect(contrast(light.text, light.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(dark.text, dark.background)).toBeGreaterThanOrEqual(4.5);
  });
  it("updates the facets' counts from the live stream, without a reload", async () => {
    const page = await loggedIn(session);
    const count = (rule: string) =>
      page.evaluate((name) => {
        for (const pick of Array.from(document.querySelectorAll(".facet-value"))) {
          if (pick.textContent === name)
            return pick.parentElement?.querySelector(".facet-count")?.textContent ?? null;
        }
        return null;
      }, rule);
    expect(await count("Live facet rule")).toBeNull();
    session.store.append([1, 2, 3].map(() => alertOf({ rule: "Live facet rule" })));
    // The page refreshes stale facets every 5 s while alerts arrive.
    await expect.poll(() => count("Live facet rule"), { timeout: 20_000 }).toBe("3");
    session.store.append([1, 2].map(() => alertOf({ rule: "Live facet rule" })));
    await expect.poll(() => count("Live facet rule"), { timeout: 20_000 }).toBe("5");
    await page.context().close();
  });
});
