import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AlertStore, openAlertStore } from "@falco-sdk/store";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY } from "./security-headers.js";
import { type AlertUiServer, createAlertUiServer } from "./ui-server.js";

let directory: string;
let store: AlertStore;
let server: AlertUiServer;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "falco-ui-http-"));
  store = openAlertStore({ directory, durable: false });
  server = await createAlertUiServer({ store, directory, port: 0 });
});
afterAll(async () => {
  await server.close();
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

async function session(): Promise<string> {
  const token = new URL(server.loginUrl()).hash.slice("#token=".length);
  const origin = server.url.slice(0, -1);
  const res = await fetch(`${server.url}login`, {
    method: "POST",
    headers: { Origin: origin, "Content-Type": "application/x-www-form-urlencoded" },
    body: `token=${token}`,
  });
  expect(res.status).toBe(204);
  const cookie = res.headers.get("set-cookie") ?? "";
  expect(cookie).toMatch(
    /^falco-ui=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/,
  );
  return cookie.split(";")[0] as string;
}

it("sends the CSP without 'unsafe-inline' on every answer, and GET changes nothing", async () => {
  for (const path of ["", "login", "api/v1/alerts", "nowhere"]) {
    const res = await fetch(`${server.url}${path}`, { redirect: "manual" });
    expect(res.headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  }
  expect(CONTENT_SECURITY_POLICY).not.toContain("unsafe");
  const root = await fetch(server.url, { redirect: "manual" });
  expect([root.status, root.headers.get("location")]).toEqual([303, "/login"]);
  const login = await fetch(`${server.url}login?token=x`);
  expect([login.status, login.headers.get("set-cookie")]).toEqual([200, null]);
});

it("refuses the API without a session, a login from another origin, and a bad token", async () => {
  const api = await fetch(`${server.url}api/v1/alerts/stream`);
  expect(api.status).toBe(401);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  const token = new URL(server.loginUrl()).hash.slice("#token=".length);
  const cross = await fetch(`${server.url}login`, {
    method: "POST",
    headers: { Origin: "http://evil.example" },
    body: `token=${token}`,
  });
  expect(cross.status).toBe(403);
  const bad = await fetch(`${server.url}login`, {
    method: "POST",
    headers: { Origin: server.url.slice(0, -1) },
    body: "token=AAAA",
  });
  expect(bad.status).toBe(401);
  expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
    "falco-alerts ui",
  );
});

it("answers the API with a session: pages with exact JSON, 400 for a bad parameter, 405 for POST", async () => {
  const cookie = await session();
  const { parseAlertJson } = await import("@falco-sdk/core");
  store.append([
    parseAlertJson(
      `{"output":"o","priority":"Error","rule":"R","time":"2026-12-05T08:00:00.000000001Z","output_fields":{"n":18446744073709551615},"hostname":"h","source":"syscall","tags":[]}`,
    ),
  ]);
  const page = await fetch(`${server.url}api/v1/alerts?limit=10`, { headers: { Cookie: cookie } });
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('"n":18446744073709551615');
  const bad = await fetch(`${server.url}api/v1/alerts?since=yesterday`, {
    headers: { Cookie: cookie },
  });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { code: string } }).error.code).toBe("bad-parameter");
  const post = await fetch(`${server.url}api/v1/alerts`, {
    method: "POST",
    headers: { Cookie: cookie },
  });
  expect(post.status).toBe(405);
  const facets = await fetch(`${server.url}api/v1/facets?priority=error`, {
    headers: { Cookie: cookie },
  });
  expect(((await facets.json()) as { total: number }).total).toBe(1);
});

it("refuses a non-loopback address without TLS", async () => {
  await expect(createAlertUiServer({ store, directory, host: "0.0.0.0", port: 0 })).rejects.toThrow(
    /in clear: give tls/,
  );
});
