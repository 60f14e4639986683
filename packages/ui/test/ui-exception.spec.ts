/// <reference lib="dom" />
import { existsSync, readFileSync } from "node:fs";
import { parseAlertJson } from "@falco-sdk/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

describe.skipIf(!existsSync(CHROMIUM))("the exception loop in chromium", () => {
  let session: UiSession;
  beforeAll(async () => {
    session = await startUiSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("select a facet combination -> preview with counts -> a flagged case -> download the rules file", async () => {
    const rule = "Exception loop <img src=x onerror=window.__xss=1>";
    const made = Array.from({ length: 10 }, (_, i) => ({ ns: i < 6 ? "ci" : "prod" }));
    // Times are now (not a fixed date): the preview counts the last day and week from now.
    session.store.append(
      made.map((m, i) =>
        parseAlertJson(
          JSON.stringify({
            output: `shell ${i}`,
            priority: "Notice",
            rule,
            time: new Date(Date.now() - i * 1000).toISOString(),
            hostname: "node-x",
            source: "syscall",
            tags: [],
            output_fields: { "k8s.ns.name": m.ns, "proc.cmdline": "bash -i" },
          }),
        ),
      ),
    );
    const page = await session.browser.newPage();
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.locator("#status[data-state=live]").waitFor();

    // Select: the rule, then the namespace, from the facets.
    await page.locator(".facet-value", { hasText: rule }).click();
    await page.waitForURL((url) => url.searchParams.get("rule") === rule);
    await page.locator(".facet-value", { hasText: /^ci$/ }).click();
    await page.waitForURL((url) => url.searchParams.get("field.k8s.ns.name") === "ci");
    await page.locator("#exception-open").click();
    const summary = page.locator("#exception-summary");
    const ci = made.filter((m) => m.ns === "ci").length;
    await expect
      .poll(() => summary.textContent())
      .toContain(`hidden ${ci} of ${made.length} alerts of the rule in the last day`);
    expect(await page.locator(".exception-flag").count()).toBe(0);
    expect(await page.locator("#exception-yaml").textContent()).toContain("k8s.ns.name");

    // Flagged: the command line alone (attacker-controlled) hides every alert of the rule.
    await page.locator("#search-text").fill(`rule:"${rule}" proc.cmdline:"bash -i"`);
    await page.locator("#search-text").press("Enter");
    await page.waitForURL((url) => url.searchParams.get("field.proc.cmdline") === "bash -i");
    await page.locator("#exception-open").click();
    await expect
      .poll(() =>
        page
          .locator(".exception-flag")
          .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.code)),
      )
      .toEqual(["hides-every-alert", "attacker-controlled"]);
    expect(await summary.textContent()).toContain(`hidden ${made.length} of ${made.length}`);
    const link = page.locator("#exception-download");
    expect(await link.textContent()).toBe("Download the rules file anyway");

    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(download.suggestedFilename()).toBe("falco-exception.yaml");
    const yaml = readFileSync(await download.path(), "utf8");
    expect(yaml).toBe(await page.locator("#exception-yaml").textContent());
    expect(yaml).toContain("fields: [ proc.cmdline ]");
    expect(yaml).toContain("exceptions: append");
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null)).toBe(
      null,
    );
    await page.close();
  });

  it("from the filter, a value becomes a startswith prefix, edited; the counts follow it", async () => {
    const rule = "Write below etc (filter prefix)";
    const paths = [
      "/etc/app/conf.d/a.conf",
      "/etc/app/conf.d/b.conf",
      "/etc/app/conf.d/a.conf",
      "/etc/app/keys/k.pem",
      "/etc/passwd",
    ];
    session.store.append(
      paths.map((path, i) =>
        parseAlertJson(
          JSON.stringify({
            output: `write ${path}`,
            priority: "Error",
            rule,
            time: new Date(Date.now() - i * 1000).toISOString(),
            hostname: "node-p",
            source: "syscall",
            tags: [],
            output_fields: { "fd.name": path, "k8s.ns.name": "apps" },
          }),
        ),
      ),
    );
    const page = await session.browser.newPage();
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.locator("#search-text").fill(`rule:"${rule}" fd.name:/etc/app/conf.d/a.conf q`);
    await page.locator("#search-text").press("Enter");
    await page.waitForURL(
      (url) => url.searchParams.get("field.fd.name") === "/etc/app/conf.d/a.conf",
    );
    await page.locator("#exception-open").click();

    // The filter's field, checked, = its value; startswith offers its directory.
    const summary = page.locator("#exception-summary");
    await expect.poll(() => summary.textContent()).toContain("hidden 2 of 5 alerts of the rule");
    expect(await summary.textContent()).toContain('fd.name = "/etc/app/conf.d/a.conf"');
    expect(await summary.textContent()).toContain("ignored: q=q");
    expect(await page.locator("#exception-form legend").textContent()).toBe(
      `The filter's values for "${rule}": match on`,
    );
    const mode = page.locator('#exception-form select[data-field="fd.name"]');
    const prefix = page.locator('#exception-form input[type=text][data-field="fd.name"]');
    await mode.selectOption("startswith");
    expect(await prefix.inputValue()).toBe("/etc/app/conf.d/");
    await expect.poll(() => summary.textContent()).toContain("hidden 3 of 5 alerts of the rule");
    expect(await summary.textContent()).toContain('fd.name startswith "/etc/app/conf.d/"');

    // Edited to the app's directory: 4 of 5, counted here from the paths.
    await prefix.fill("/etc/app/");
    await prefix.press("Tab");
    const expected = paths.filter((p) => p.startsWith("/etc/app/")).length;
    await expect
      .poll(() => summary.textContent())
      .toContain(`hidden ${expected} of ${paths.length} alerts of the rule in the last day`);
    const link = page.locator("#exception-download");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const yaml = readFileSync(await download.path(), "utf8");
    expect(yaml).toBe(await page.locator("#exception-yaml").textContent());
    expect(yaml).toContain("comps: [ startswith ]");
    expect(yaml).toContain('"/etc/app/"');
    await page.close();
  });
});
