/// <reference lib="dom" />
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertOf, CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

describe.skipIf(!existsSync(CHROMIUM))("filters, facets and the URL in chromium", () => {
  let session: UiSession;
  beforeAll(async () => {
    session = await startUiSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("filters by search and facet, counts like an independent count, and round-trips the URL", async () => {
    const made = Array.from({ length: 40 }, (_, i) => ({
      rule: i % 3 === 0 ? "Filter A" : "Filter B",
      hostname: i % 4 === 0 ? "h2" : "h1",
      ns: i % 5 === 0 ? "dev" : "prod",
    }));
    session.store.append(
      made.map((m) =>
        alertOf({
          rule: m.rule,
          hostname: m.hostname,
          fields: JSON.stringify({ "k8s.ns.name": m.ns, "proc.name": "sh" }),
        }),
      ),
    );
    const expected = (f: (m: (typeof made)[number]) => boolean) => made.filter(f).length;
    const count = async (selector: string) =>
      Number(((await page.locator(selector).textContent()) ?? "").replace(/\D/g, ""));

    const page = await session.browser.newPage();
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.locator("#status[data-state=live]").waitFor();

    await page.locator("#search-text").fill('rule:"Filter A" -hostname:h2');
    await page.locator("#search-text").press("Enter");
    await page.waitForURL((url) => url.searchParams.get("not.hostname") === "h2");
    expect(new URL(page.url()).searchParams.get("rule")).toBe("Filter A");
    const a = expected((m) => m.rule === "Filter A" && m.hostname !== "h2");
    await expect.poll(() => count(".facet-total")).toBe(a);
    await expect.poll(() => count("#shown")).toBe(a);

    // The namespace facet: a click keeps only that value, in the URL too.
    await page.locator(".facet-value", { hasText: /^dev$/ }).click();
    await page.waitForURL((url) => url.searchParams.get("field.k8s.ns.name") === "dev");
    const b = expected((m) => m.rule === "Filter A" && m.hostname !== "h2" && m.ns === "dev");
    await expect.poll(() => count(".facet-total")).toBe(b);
    await expect.poll(() => count("#shown")).toBe(b);

    // The link shares the view: a new page on the same URL shows the same.
    const shared = await session.browser.newPage();
    await shared.goto(session.server.loginUrl());
    await shared.waitForURL((url) => url.pathname === "/");
    await shared.goto(page.url());
    await shared.locator("#status[data-state=live]").waitFor();
    expect(await shared.locator("#search-text").inputValue()).toBe(
      'rule:"Filter A" -hostname:h2 k8s.ns.name:dev',
    );
    await expect
      .poll(async () =>
        Number(((await shared.locator("#shown").textContent()) ?? "").replace(/\D/g, "")),
      )
      .toBe(b);
    // Back: the previous filters.
    await page.goBack();
    await expect.poll(() => count("#shown")).toBe(a);
    await shared.close();
    await page.close();
  });
});
