/// <reference lib="dom" />
import { existsSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  alertOf,
  CHROMIUM,
  startCuttableProxy,
  startUiSession,
  type UiSession,
} from "./browser-session.js";

const haveChromium = existsSync(CHROMIUM);

/** Logs a new page in with a fresh one-time link, and waits for the table. */
async function loggedInPage(
  session: UiSession,
  loginUrl = session.server.loginUrl(),
): Promise<Page> {
  const page = await session.browser.newPage();
  await page.goto(loginUrl);
  await page.waitForURL((url) => url.pathname === "/");
  await page.locator("#status[data-state=live]").waitFor();
  return page;
}

describe.skipIf(!haveChromium)("the UI in chromium", () => {
  let session: UiSession;

  beforeAll(async () => {
    session = await startUiSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("asks for the login link, logs in once with it, and sets a HttpOnly SameSite=Strict cookie", async () => {
    const anonymous = await session.browser.newPage();
    await anonymous.goto(session.server.url);
    expect(new URL(anonymous.url()).pathname).toBe("/login");
    await expect
      .poll(() => anonymous.locator("#login-message").textContent())
      .toContain("Open the login link");
    const api = await anonymous.request.get(`${session.server.url}api/v1/alerts`);
    expect(api.status()).toBe(401);
    await anonymous.close();

    const link = session.server.loginUrl();
    const page = await loggedInPage(session, link);
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ httpOnly: true, sameSite: "Strict", secure: false });
    expect(page.url()).not.toContain("token");

    const again = await session.browser.newPage();
    await again.goto(link);
    await expect
      .poll(() => again.locator("#login-message").textContent())
      .toContain("already used or has expired");
    expect(new URL(again.url()).pathname).toBe("/login");
    await again.close();
    await page.close();
  });

  it("shows stored alerts, then live ones as they are appended, with their exact JSON", async () => {
    session.store.append([alertOf({ rule: "Stored before login" })]);
    const page = await loggedInPage(session);
    await page.locator(".row .rule", { hasText: "Stored before login" }).waitFor();

    session.store.append([
      alertOf({
        rule: "Arrived live",
        fields: `{"proc.pid":9007199254740993,"evt.num":18446744073709551615,"proc.name":"bash"}`,
      }),
    ]);
    const row = page.locator(".row .rule", { hasText: "Arrived live" });
    await row.waitFor();
    await row.click();
    const json = await page.locator("#detail-json").textContent();
    expect(json).toContain('"proc.pid": 9007199254740993');
    expect(json).toContain('"evt.num": 18446744073709551615');
    await page.close();
  });

  it("renders script, image-onerror, javascript: and HTML payloads as text, executing nothing", async () => {
    const payloads = [
      "<script>window.__xss = 'script'</script>",
      `<img src=x onerror="window.__xss = 'img'">`,
      "javascript:window.__xss='url'",
      "<b>bold</b><a href=\"javascript:window.__xss='link'\">click</a>",
      `"><svg onload="window.__xss='svg'">`,
    ];
    session.store.append(
      payloads.map((p, i) =>
        alertOf({
          rule: `xss ${i} ${p}`,
          output: p,
          hostname: p,
          tags: [p, "container"],
          fields: JSON.stringify({ "proc.cmdline": p, "fd.name": p }),
        }),
      ),
    );
    const page = await session.browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) =>
        w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    for (const [i, p] of payloads.entries()) {
      const rule = page.locator(".row .rule", { hasText: `xss ${i} ` });
      await rule.waitFor();
      expect(await rule.textContent()).toBe(`xss ${i} ${p}`);
      expect(await page.locator(".row .output", { hasText: p }).first().textContent()).toBe(p);
      await rule.click();
      expect(await page.locator("#detail-json").textContent()).toContain(JSON.stringify(p));
    }
    // Facets show hosts and tags: the payloads as text there too.
    await page
      .locator(".facet-value", { hasText: payloads[1] as string })
      .first()
      .waitFor();
    await page.locator(".row .rule", { hasText: "click" }).first().click();
    const state = await page.evaluate(() => {
      const w = window as unknown as { __xss?: string; __csp: string[] };
      return {
        xss: w.__xss ?? null,
        csp: w.__csp,
        injected: document.querySelectorAll(
          "main img, main script, main svg, main b, main a:not(#exception-download)",
        ).length,
      };
    });
    expect(state).toEqual({ xss: null, csp: [], injected: 0 });
    await page.close();
  });

  it("resumes from its cursor after a network drop: every alert once", async () => {
    const proxy = await startCuttableProxy(Number(new URL(session.server.url).port));
    try {
      const link = session.server.loginUrl().replace(session.server.url, proxy.url);
      const page = await loggedInPage(session, link);
      session.store.append([alertOf({ rule: "before the drop" })]);
      await page.locator(".row .rule", { hasText: "before the drop" }).waitFor();
      const shownBefore = await page.locator("#shown").textContent();
      proxy.cut();
      await page.locator("#status[data-state=connecting]").waitFor();
      const during = Array.from({ length: 5 }, (_, i) => alertOf({ rule: `during the drop ${i}` }));
      session.store.append(during);
      await page.locator("#status[data-state=live]").waitFor();
      for (let i = 0; i < 5; i++)
        await page.locator(".row .rule", { hasText: `during the drop ${i}` }).waitFor();
      const count = (text: string | null) => Number((text ?? "").replace(/\D/g, ""));
      expect(count(await page.locator("#shown").textContent())).toBe(count(shownBefore) + 5);
      const cursors = await page
        .locator(".row:not([hidden])")
        .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.cursor));
      expect(new Set(cursors).size).toBe(cursors.length);
      await page.close();
    } finally {
      await proxy.close();
    }
  });
  it("folds repeated alerts into one row with their count, opens it to the raw alerts, and keeps the fold settings in the URL", async () => {
    const at = (s: number) => `2026-12-05T08:10:0${s}.123456789Z`;
    const made = [0, 1, 2, 3, 4, 5].map((i) => ({
      output: `fold ${i}`,
      proc: i % 3 === 2 ? "curl" : "sh",
      hostname: "fold-host",
    }));
    const append = (m: { output: string; proc: string; hostname: string }, s: number) =>
      session.store.append([
        alertOf({
          rule: "Fold me",
          output: m.output,
          hostname: m.hostname,
          time: at(s),
          fields: JSON.stringify({ "proc.name": m.proc }),
        }),
      ]);
    for (const [i, m] of made.entries()) append(m, i);
    append({ output: "fold elsewhere", proc: "sh", hostname: "other-host" }, 1);
    const page = await loggedInPage(session);
    await page.goto(`${session.server.url}?rule=Fold+me`);
    await page.locator("#status[data-state=live]").waitFor();
    const fold = page.locator(".row.fold:not([hidden])", { hasText: "fold-host" });
    await expect.poll(() => fold.getAttribute("data-count")).toBe("6");
    expect(await fold.locator(".count").textContent()).toBe("▸ ×6 in 5 s");
    // The other host is a row of its own, not a fold.
    const single = page.locator(".row:not([hidden])", { hasText: "other-host" });
    expect(await single.getAttribute("class")).not.toContain("fold");

    // Live: a new alert joins its fold.
    append({ output: "fold 6", proc: "sh", hostname: "fold-host" }, 9);
    await expect.poll(() => fold.getAttribute("data-count")).toBe("7");
    expect(await fold.locator(".count").textContent()).toBe("▸ ×7 in 9 s");

    // One click: the raw alerts, newest first; one of them opens its JSON.
    const members = page.locator(".row.member:not([hidden]) .output");
    await fold.click();
    await expect
      .poll(() => members.allTextContents())
      .toEqual(["fold 6", "fold 5", "fold 4", "fold 3", "fold 2", "fold 1", "fold 0"]);
    expect(await fold.getAttribute("aria-expanded")).toBe("true");
    await page.locator(".row.member:not([hidden])", { hasText: "fold 4" }).click();
    expect(await page.locator("#detail-json").textContent()).toContain('"output": "fold 4"');
    // The keyboard: ArrowLeft closes the fold from one of its alerts, Enter opens it again.
    await page.locator("#table").press("ArrowLeft");
    await expect.poll(() => members.count()).toBe(0);
    await page.locator("#table").press("Enter");
    await expect.poll(() => members.count()).toBe(7);

    // Fold by proc.name too, in 1-minute windows: in the URL, and shared by a link.
    await page.locator("#fold-by").fill("proc.name");
    await page.locator("#fold-by").press("Enter");
    await page.locator("#fold-window").selectOption("1m");
    await page.waitForURL(
      (url) =>
        url.searchParams.get("foldBy") === "proc.name" &&
        url.searchParams.get("foldWindow") === "1m",
    );
    const counts = async (p: Page) =>
      (
        await p
          .locator(".row.fold:not([hidden])", { hasText: "fold-host" })
          .evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.count}`))
      ).sort();
    await expect.poll(() => counts(page)).toEqual(["2", "5"]);
    const shared = await loggedInPage(session);
    await shared.goto(page.url());
    await shared.locator("#status[data-state=live]").waitFor();
    expect(await shared.locator("#fold-by").inputValue()).toBe("proc.name");
    expect(await shared.locator("#fold-window").inputValue()).toBe("1m");
    await expect.poll(() => counts(shared)).toEqual(["2", "5"]);

    // Folding off: every alert a row of its own, and the URL says so.
    await shared.locator("#fold-on").uncheck();
    await shared.waitForURL((url) => url.searchParams.get("fold") === "off");
    await expect.poll(() => shared.locator(".row:not([hidden])").count()).toBe(8);
    expect(await shared.locator(".row.fold:not([hidden])").count()).toBe(0);
    await shared.close();
    await page.close();
  });
});
