// A store of N alerts (spread over the last 24 h, appended in batches of 10,000), then: first
// view in chromium (navigation to the first rows rendered) beside the API's first page read by
// node; facets through the UI's API (HTTP on loopback, the session cookie) beside the store's
// facets called in-process; the RSS of the UI server process beside a process holding the store.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { benchAlertJson } from "./bench-alerts.mjs";

const DAY_MS = 86_400_000;
const quantile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(Math.floor(p * s.length), s.length - 1)];
};
const median = (xs) => quantile(xs, 0.5);
const FIELDS = ["k8s.ns.name", "container.image.repository"];
/** The facet requests measured: the page's own (no filter) and with each kind of filter. */
const VARIANTS = [
  ["", {}],
  ["priority=Warning", { filter: { priority: ["Warning"] } }],
  ["not.rule=Bench+rule+3", { filter: { not: { rule: ["Bench rule 3"] } } }],
  ["field.k8s.ns.name=ns-3", { filter: { fields: { "k8s.ns.name": ["ns-3"] } } }],
  ["since=1h", { since: new Date(Date.now() - 3_600_000) }],
  ["q=n%3D12345", { filter: { text: "n=12345" } }],
];

/** Fills DIR with `count` alerts; returns the append rate and the in-process facets timings. */
export function fillStore(directory, count, reps) {
  const store = openAlertStore({ directory, durable: false });
  const start = Date.now() - DAY_MS;
  const t0 = performance.now();
  for (let i = 0; i < count; ) {
    const batch = [];
    for (const end = Math.min(count, i + 10_000); i < end; i++)
      batch.push(parseAlertJson(benchAlertJson(i, start + Math.floor((i * DAY_MS) / count))));
    store.append(batch);
  }
  const fillS = (performance.now() - t0) / 1000;
  const direct = [];
  for (let r = 0; r < reps; r++)
    for (const [, options] of VARIANTS) {
      const t = performance.now();
      store.facets({ ...options, fields: FIELDS, limit: 8 });
      direct.push(performance.now() - t);
    }
  store.close();
  return {
    fillS,
    ratePerS: count / fillS,
    directP50: median(direct),
    directP95: quantile(direct, 0.95),
  };
}

function child(mode, directory) {
  const proc = spawn(
    process.execPath,
    [new URL("./server-process.mjs", import.meta.url).pathname, mode, directory],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const memory = () => {
    const status = readFileSync(`/proc/${proc.pid}/status`, "utf8");
    const kb = (key) => Number(status.match(new RegExp(`${key}:\\s+(\\d+)`))[1]);
    return { rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
  };
  return {
    first: async () => JSON.parse((await lines.next()).value),
    memory,
    stop: async () => {
      proc.stdin.end();
      await new Promise((r) => proc.once("exit", r));
    },
  };
}

/** First view, facets through the API and RSS, on the store in DIR. */
export async function measureStoreView(browser, directory, reps) {
  const base = child("store", directory);
  await base.first();
  const baseMemory = base.memory();
  await base.stop();

  const ui = child("ui", directory);
  const { url, logins } = await ui.first();
  const idleMemory = ui.memory();
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.goto(logins[0]);
  await page.waitForURL((u) => u.pathname === "/");
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const get = async (path) => {
    const t = performance.now();
    const res = await fetch(new URL(path, url), { headers: { cookie } });
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    await res.json();
    return performance.now() - t;
  };
  const firstView = [];
  for (let r = 0; r < reps; r++) {
    await page.goto("about:blank");
    // The previous view's facets and histogram requests still run on the server's thread
    // (synchronous SQLite): a request answered means they are done, so each view starts idle.
    await get("/api/v1/stats");
    const t = performance.now();
    await page.goto(url);
    await page.locator("#table .row[data-cursor]").first().waitFor();
    firstView.push(performance.now() - t);
  }
  await page.goto("about:blank");
  await get("/api/v1/stats");
  const firstPage = [];
  for (let r = 0; r < reps; r++) firstPage.push(await get("/api/v1/alerts?limit=100"));
  const facets = [];
  const byVariant = new Map(VARIANTS.map(([params]) => [params || "(no filter)", []]));
  const fieldParams = FIELDS.map((f) => `field=${f}`).join("&");
  for (let r = 0; r < reps; r++)
    for (const [params] of VARIANTS) {
      const ms = await get(`/api/v1/facets?${fieldParams}&limit=8${params ? `&${params}` : ""}`);
      facets.push(ms);
      byVariant.get(params || "(no filter)").push(ms);
    }
  await context.close();
  const loadedMemory = ui.memory();
  await ui.stop();
  return {
    firstViewMs: median(firstView),
    firstViewMaxMs: Math.max(...firstView),
    firstPageMs: median(firstPage),
    facetsP50: median(facets),
    facetsP95: quantile(facets, 0.95),
    facetRequests: facets.length,
    facetMedians: [...byVariant].map(([name, ms]) => `${name} ${median(ms).toFixed(0)} ms`),
    baseMemory,
    idleMemory,
    loadedMemory,
  };
}
