#!/usr/bin/env node
// Live arrival: the time from store.append to the alert's row in chromium's DOM, per alert, at
// RATE alerts/s for COUNT alerts (one process, one clock: Date.now() on both sides).
//   pnpm --filter @falco-sdk/ui build && node packages/ui/bench/live-latency.mjs
//   RATE=1000 COUNT=5000 node packages/ui/bench/live-latency.mjs
// Rows exist only while in view: the page stays at the top, where new alerts appear.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { chromium } from "playwright-core";
import { createAlertUiServer } from "../dist/index.js";

const quick = process.env.BENCH_QUICK === "1";
const RATE = Number(process.env.RATE ?? 100);
const COUNT = Number(process.env.COUNT ?? (quick ? 200 : 2000));
const directory = mkdtempSync(join(tmpdir(), "falco-ui-bench-"));
const store = openAlertStore({ directory, durable: false });
const server = await createAlertUiServer({ store, directory, port: 0 });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const alert = (i) =>
  parseAlertJson(
    `{"hostname":"node-a","output":"alert ${i}","output_fields":{"n":${i}},"priority":"Warning","rule":"Bench","source":"syscall","tags":[],"time":"${new Date().toISOString()}"}`,
  );
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(server.loginUrl());
  await page.waitForURL((url) => url.pathname === "/");
  await page.locator("#status[data-state=live]").waitFor();
  await page.evaluate(() => {
    const seen = new Map();
    window.__seen = seen;
    new MutationObserver((records) => {
      const now = Date.now();
      for (const r of records) {
        const c = r.target.dataset?.cursor;
        if (c && !seen.has(c)) seen.set(c, now);
      }
    }).observe(document.getElementById("table"), {
      subtree: true,
      attributes: true,
      attributeFilter: ["data-cursor"],
    });
  });
  const sent = new Map();
  const perTick = Math.max(Math.round(RATE / 100), 1);
  const tickMs = (1000 * perTick) / RATE;
  const startedAt = Date.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < COUNT; i += perTick) {
    const batch = Array.from({ length: Math.min(perTick, COUNT - i) }, (_, k) => alert(i + k));
    const { first, last } = store.append(batch);
    const now = Date.now();
    for (let c = first; c <= last; c++) sent.set(String(c), now);
    const wait = startedAt + ((i + perTick) / perTick) * tickMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const last = String(store.stats().lastCursor);
  await page.waitForFunction((c) => window.__seen.has(c), last, { timeout: 60_000 });
  const cpu = process.cpuUsage(cpu0);
  const seen = new Map(await page.evaluate(() => [...window.__seen]));
  const latencies = [...sent]
    .filter(([c]) => seen.has(c))
    .map(([c, t]) => seen.get(c) - t)
    .sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(Math.floor(p * latencies.length), latencies.length - 1)];
  const heap = await page.evaluate(() => performance.memory?.usedJSHeapSize ?? 0);
  const rows = await page.locator(".row").count();
  console.log(
    `live arrival at ${RATE}/s, ${COUNT} alerts: ${latencies.length} rows seen in the DOM; ` +
      `append→row p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms; ` +
      `rows in the DOM ${rows}; page JS heap ${(heap / 1e6).toFixed(1)} MB; ` +
      `server CPU ${((cpu.user + cpu.system) / 1000 / COUNT).toFixed(3)} ms per alert`,
  );
} finally {
  await browser.close();
  await server.close();
  store.close();
  rmSync(directory, { recursive: true, force: true });
}
