// falco-alerts ui over TLS, in chromium: served on a non-loopback address with a certificate of
// @falco-sdk/testing's PKI (chromium trusts exactly that key), the login link sets a session
// cookie that is Secure, HttpOnly and SameSite=Strict (with the __Host- prefix), and the API
// refuses a browser without it. On loopback without TLS the same cookie is not Secure.
import { createHash, X509Certificate } from "node:crypto";
import { join } from "node:path";
import { writeTestPki } from "@falco-sdk/testing/pki";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { start, tempDir, useProcesses } from "../test/spec-process.js";
import { haveChromium, launchChromium, loggedInPage, uiLinks } from "../test/ui-browser.js";

useProcesses();

/** What `fetch` of the API answers in the page (the browser sends its cookies, or none). */
function apiStatus(page: Page): Promise<number> {
  // Strings evaluated in the page: this package is typed without the DOM.
  return page.evaluate<number>('fetch("/api/v1/alerts").then((r) => r.status)');
}

/** Chromium's flag value that trusts this certificate's key (SHA-256 of its SPKI, base64). */
function spkiHash(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}

describe.skipIf(!haveChromium)("falco-alerts ui's session cookie, in chromium", () => {
  let browser: Browser;
  let pki: Awaited<ReturnType<typeof writeTestPki>>;

  beforeAll(async () => {
    pki = await writeTestPki(join(tempDir(), "pki"));
    browser = await launchChromium([
      `--ignore-certificate-errors-spki-list=${spkiHash(pki.pki.serverCert)}`,
    ]);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("over TLS on a non-loopback address: Secure, HttpOnly, SameSite=Strict; the API refuses without it", async () => {
    const ui = start([
      "ui",
      "--store",
      tempDir(),
      "--listen",
      "0.0.0.0:0",
      "--tls-cert",
      pki.serverCert,
      "--tls-key",
      pki.serverKey,
      "--listen-http",
      "127.0.0.1:0",
    ]);
    const { url, link } = await uiLinks(ui);
    expect(url).toMatch(/^https:\/\/0\.0\.0\.0:\d+\/$/);
    // The certificate names 127.0.0.1 (and localhost), the address a browser on this host uses.
    const local = (address: string) => address.replace("//0.0.0.0:", "//127.0.0.1:");
    const origin = new URL(local(url)).origin;

    const page = await loggedInPage(browser, local(link));
    expect(await page.evaluate<boolean>("window.isSecureContext")).toBe(true);
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: "__Host-falco-ui",
      path: "/",
      secure: true,
      httpOnly: true,
      sameSite: "Strict",
    });
    // HttpOnly: the page's script cannot read it.
    expect(await page.evaluate<string>("document.cookie")).toBe("");
    expect(await apiStatus(page)).toBe(200);

    // Another browser context, same address, no session: refused, sent to the login page.
    const anonymous = await (await browser.newContext()).newPage();
    await anonymous.goto(`${origin}/`);
    await anonymous.waitForURL((u) => u.pathname === "/login");
    expect(await apiStatus(anonymous)).toBe(401);
    // And the logged-in one without its cookie: refused too.
    await page.context().clearCookies();
    expect(await apiStatus(page)).toBe(401);

    ui.child.kill("SIGTERM");
    expect((await ui.done).code).toBe(0);
  });

  it("on loopback without TLS: the same cookie, not Secure", async () => {
    const ui = start([
      "ui",
      "--store",
      tempDir(),
      "--listen",
      "127.0.0.1:0",
      "--listen-http",
      "127.0.0.1:0",
    ]);
    const { url, link } = await uiLinks(ui);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await loggedInPage(browser, link);
    const cookies = await page.context().cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({
      name: "falco-ui",
      secure: false,
      httpOnly: true,
      sameSite: "Strict",
    });
    expect(await apiStatus(page)).toBe(200);
    ui.child.kill("SIGTERM");
    expect((await ui.done).code).toBe(0);
  });
});
