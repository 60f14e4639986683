/// <reference lib="dom" />
// Alerts picked in the table (checkbox, Shift-click, Ctrl-click, keyboard) become a Falco rule
// exception: one rule, the fields they share, an in list, a startswith prefix; the preview's
// counts are checked against a count made here, and the downloaded file is read back.
import { existsSync, readFileSync } from "node:fs";
import { parseAlertJson } from "@falco-sdk/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CHROMIUM, startUiSession, type UiSession } from "./browser-session.js";

interface Made {
  rule: string;
  host: string;
  ns: string;
  proc: string;
  path: string;
  pid: number;
  agoMs: number;
}

const RULE = "Write below etc <img src=x onerror=window.__xss=1>";
const OTHER = "Other rule";
const CMDLINE = `sh -c "echo a, b: c" # x'y`;
const HOUR_MS = 3_600_000;

// Newest first: rows 0-5 (RULE, ci, /etc/cron.d/), rows 6-7 (OTHER), then older alerts of RULE
// that match the exception or not (prod namespace, /etc/passwd, python3, 3 days old).
const made: Made[] = [
  ...[0, 1, 2, 3, 4, 5].map((i) => ({
    rule: RULE,
    host: "node-a",
    ns: "ci",
    proc: i % 2 ? "sh" : "bash",
    path: `/etc/cron.d/job-${i}`,
    pid: 100 + i,
    agoMs: 1000 * (i + 1),
  })),
  ...[6, 7].map((i) => ({
    rule: OTHER,
    host: "node-a",
    ns: "ci",
    proc: "sh",
    path: "/tmp/x",
    pid: 100 + i,
    agoMs: 1000 * (i + 1),
  })),
  ...Array.from({ length: 12 }, (_, k) => ({
    rule: RULE,
    host: "node-a",
    ns: k % 3 === 0 ? "prod" : "ci",
    proc: k % 4 === 0 ? "python3" : "sh",
    path: k % 5 === 0 ? "/etc/passwd" : `/etc/cron.d/other-${k}`,
    pid: 200 + k,
    agoMs: HOUR_MS * (1 + k * 6),
  })),
];

/** Falco's reading of a Falco-quoted value (its escapes), written here. */
function unquote(text: string): string {
  const back: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
  expect(text.startsWith('"') && text.endsWith('"'), text).toBe(true);
  return text.slice(1, -1).replace(/\\(.)/gs, (_, c: string) => back[c] ?? c);
}

describe.skipIf(!existsSync(CHROMIUM))("an exception from alerts picked in the table", () => {
  let session: UiSession;
  beforeAll(async () => {
    session = await startUiSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("picks with the mouse and the keyboard, narrows to one rule, previews counts, downloads the file", async () => {
    const now = Date.now();
    // Oldest first: the table shows the newest cursor first, so row i is made[i].
    session.store.append(
      [...made].reverse().map((m, i) =>
        parseAlertJson(
          JSON.stringify({
            output: `write ${i}`,
            priority: "Error",
            rule: m.rule,
            time: new Date(now - m.agoMs).toISOString(),
            hostname: m.host,
            source: "syscall",
            tags: [],
            output_fields: {
              "k8s.ns.name": m.ns,
              "proc.name": m.proc,
              "fd.name": m.path,
              "proc.pid": m.pid,
              "proc.cmdline": CMDLINE,
            },
          }),
        ),
      ),
    );
    const page = await session.browser.newPage();
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto(`${session.server.url}?fold=off`);
    await page.locator("#status[data-state=live]").waitFor();
    await expect.poll(() => page.locator(".row:not([hidden])").count()).toBe(made.length);

    const row = (i: number) => page.locator(`.row[data-index="${i}"]`);
    const count = page.locator("#selection-count");
    // A checkbox, then Shift on another: rows 0 to 2.
    await row(0).locator(".pick input").click();
    await row(2)
      .locator(".pick input")
      .click({ modifiers: ["Shift"] });
    await expect.poll(() => count.textContent()).toBe("3 alerts selected (1 rule)");
    // Ctrl-click a row: picked, its JSON not opened.
    await row(3).click({ modifiers: ["Control"] });
    await expect.poll(() => count.textContent()).toBe("4 alerts selected (1 rule)");
    expect(await page.locator("#detail").isHidden()).toBe(true);
    // The keyboard: Shift+ArrowDown extends from the cursor's row (3) to 4 and 5; x toggles.
    await page.locator("#table").focus();
    await page.keyboard.press("Shift+ArrowDown");
    await page.keyboard.press("Shift+ArrowDown");
    await expect.poll(() => count.textContent()).toBe("6 alerts selected (1 rule)");
    await page.keyboard.press("x");
    await expect.poll(() => count.textContent()).toBe("5 alerts selected (1 rule)");
    await page.keyboard.press("x");
    await expect.poll(() => count.textContent()).toBe("6 alerts selected (1 rule)");
    // Visible and accessible: the checkboxes are checked, named, and the rows marked.
    for (let i = 0; i < 6; i++) {
      expect(await row(i).locator(".pick input").isChecked()).toBe(true);
      expect(await row(i).getAttribute("class")).toContain("picked");
    }
    expect(await row(6).locator(".pick input").isChecked()).toBe(false);
    expect(await row(0).locator(".pick input").getAttribute("aria-label")).toContain(
      `select the alert of ${RULE} at`,
    );
    // One alert of another rule: the panel asks which rule.
    await row(6).locator(".pick input").click();
    await expect.poll(() => count.textContent()).toBe("7 alerts selected (2 rules)");
    await page.locator("#exception-selection").click();
    const summary = page.locator("#exception-summary");
    await expect.poll(() => summary.textContent()).toContain("are of 2 rules");
    await page.locator(".exception-rule", { hasText: RULE }).click();

    // The form: host =, fd.name startswith (6 values), ns =, proc.name in, proc.pid left out.
    const fields = await page
      .locator("#exception-form input[type=checkbox]")
      .evaluateAll((boxes) =>
        boxes.map((b) => [(b as HTMLInputElement).dataset.field, (b as HTMLInputElement).checked]),
      );
    expect(fields).toEqual([
      ["evt.hostname", true],
      ["fd.name", true],
      ["k8s.ns.name", true],
      ["proc.cmdline", false],
      ["proc.name", true],
    ]);
    expect(await page.locator(".exception-left-out").textContent()).toContain("proc.pid (6)");
    expect(
      await page.locator('#exception-form input[type=text][data-field="fd.name"]').inputValue(),
    ).toBe("/etc/cron.d/");
    const hides = (m: Made, days: number) =>
      m.rule === RULE &&
      m.agoMs < days * 24 * HOUR_MS &&
      m.host === "node-a" &&
      m.path.startsWith("/etc/cron.d/") &&
      m.ns === "ci" &&
      ["bash", "sh"].includes(m.proc);
    const ofRule = (days: number) =>
      made.filter((m) => m.rule === RULE && m.agoMs < days * 24 * HOUR_MS).length;
    const day = made.filter((m) => hides(m, 1)).length;
    const week = made.filter((m) => hides(m, 7)).length;
    expect(week).toBeGreaterThan(day);
    expect(week).toBeLessThan(ofRule(7));
    await expect
      .poll(() => summary.textContent())
      .toContain(
        `hidden ${day} of ${ofRule(1)} alerts of the rule in the last day and ${week} of ${ofRule(7)} alerts of the rule in the last week`,
      );
    expect(await summary.textContent()).toContain('fd.name startswith "/etc/cron.d/"');
    expect(await summary.textContent()).toContain('proc.name in ("bash", "sh")');
    expect(await page.locator(".exception-flag").count()).toBe(0);

    // The command line too (quotes, a comma, a colon, a #): it goes into the file as text.
    await page.locator('#exception-form input[data-field="proc.cmdline"]').check();
    await expect
      .poll(() => page.locator("#exception-yaml").textContent())
      .toContain("proc.cmdline");
    const link = page.locator("#exception-download");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    const yaml = readFileSync(await download.path(), "utf8");
    expect(yaml).toBe(await page.locator("#exception-yaml").textContent());
    const items = parse(yaml) as {
      rule: string;
      exceptions: { fields: string[]; comps: string[]; values: (string | string[])[][] }[];
    }[];
    expect(items).toHaveLength(2);
    const ex = items[1]?.exceptions[0];
    expect(items[1]?.rule).toBe(RULE);
    expect(ex?.fields).toEqual([
      "evt.hostname",
      "fd.name",
      "k8s.ns.name",
      "proc.cmdline",
      "proc.name",
    ]);
    expect(ex?.comps).toEqual(["=", "startswith", "=", "=", "in"]);
    const tuple = ex?.values[0] as (string | string[])[];
    expect(tuple.map((v) => (Array.isArray(v) ? v.map(unquote) : unquote(v)))).toEqual([
      "node-a",
      "/etc/cron.d/",
      "ci",
      CMDLINE,
      ["bash", "sh"],
    ]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss ?? null)).toBe(
      null,
    );

    await page.locator("#selection-clear").click();
    await expect.poll(() => count.textContent()).toContain("None selected");
    expect(await page.locator(".row.picked").count()).toBe(0);
    await page.close();
  });

  it("a fold's checkbox picks every alert of the fold, and its raw alerts show picked", async () => {
    const rule = "Folded rule";
    // Fixed times in one 1-minute slot: the fold does not depend on the clock.
    session.store.append(
      [0, 1, 2, 3, 4].map((i) =>
        parseAlertJson(
          JSON.stringify({
            output: `folded ${i}`,
            priority: "Notice",
            rule,
            time: `2026-12-05T08:00:0${i}.000000000Z`,
            hostname: "node-f",
            source: "syscall",
            tags: [],
            output_fields: { "proc.name": i % 2 ? "a" : "b", "k8s.ns.name": "ci" },
          }),
        ),
      ),
    );
    const page = await session.browser.newPage();
    await page.goto(session.server.loginUrl());
    await page.waitForURL((url) => url.pathname === "/");
    await page.goto(`${session.server.url}?rule=${encodeURIComponent(rule)}&foldWindow=1m`);
    await page.locator("#status[data-state=live]").waitFor();
    const fold = page.locator('.row.fold[data-count="5"]');
    await fold.locator(".pick input").click();
    const count = page.locator("#selection-count");
    await expect.poll(() => count.textContent()).toBe("5 alerts selected (1 rule)");
    expect(await fold.locator(".pick input").getAttribute("aria-label")).toBe(
      `select the 5 alerts of ${rule} on node-f`,
    );
    await fold.click();
    await expect.poll(() => page.locator(".row.member.picked").count()).toBe(5);
    // Unpicking one raw alert leaves the fold's checkbox half checked.
    await page.locator(".row.member .pick input").first().click();
    await expect.poll(() => count.textContent()).toBe("4 alerts selected (1 rule)");
    expect(
      await fold.locator(".pick input").evaluate((b) => (b as HTMLInputElement).indeterminate),
    ).toBe(true);
    await page.locator("#exception-selection").click();
    await expect
      .poll(() => page.locator("#exception-form label").allTextContents())
      .toEqual([' evt.hostname = "node-f"', ' k8s.ns.name = "ci"', ' proc.name in ("a", "b")']);
    await page.close();
  });
});
