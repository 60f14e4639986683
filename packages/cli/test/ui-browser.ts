// Browser helpers of the `falco-alerts ui` specs: Debian's chromium driven by playwright-core
// (no browser download), and the page logged in through the process's one-time link.
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import type { Started } from "./spec-process.js";

/** The system chromium (scripts/ensure-system-deps.sh installs it); override with CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

/** Launches chromium; `args` are added to the usual ones. */
export function launchChromium(args: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", ...args],
  });
}

/** The address and the one-time login link `falco-alerts ui` printed. */
export async function uiLinks(ui: Started): Promise<{ url: string; link: string }> {
  const url = (await ui.waitFor("stdout", /the alert view is on (\S+)\n/))[1] as string;
  const link = (await ui.waitFor("stdout", /log in with this link[^:]*: (\S+)\n/))[1] as string;
  return { url, link };
}

/** Opens the login link in a new page (its own context) and waits for the live table. */
export async function loggedInPage(browser: Browser, link: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(link);
  await page.waitForURL((url) => url.pathname === "/");
  await page.locator("#status[data-state=live]").waitFor();
  return page;
}

/** Waits until the page says it holds `n` alerts. */
export function waitShown(page: Page, n: number): Promise<unknown> {
  // A function (the page's CSP refuses strings), typed without the DOM like this package.
  type ShownPage = { document: { getElementById(id: string): { textContent: string } | null } };
  return page.waitForFunction(
    (text) =>
      (globalThis as unknown as ShownPage).document.getElementById("shown")?.textContent === text,
    `${n.toLocaleString("en-US")} shown`,
  );
}
