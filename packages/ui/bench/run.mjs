// pnpm bench (in packages/ui; needs a build): each figure beside a baseline measured in the same run.
//  1. live, at BENCH_RATE alerts/s (default 1000) for BENCH_SECONDS: store.append -> the alert's
//     row in chromium's DOM, p50/p99, and the page's JS heap (start, end, max, end after GC);
//     baseline: a bare node:http SSE writer and a bare page whose EventSource appends rows.
//  2. a store of BENCH_ALERTS alerts: first view (navigation -> first rows rendered) beside the
//     API's first page read by node; facets p50/p95 through the UI's API beside store.facets
//     in-process; the UI server process's RSS beside a process holding the store alone.
// BENCH_QUICK=1 (CI's short mode): 10 s live, 20,000 alerts. Full: 180 s (the page keeps the
// newest 100,000 alerts: full at 100 s), 1,000,000 alerts (BENCH_SECONDS=600 for the issue's
// 10 minutes). BENCH_ONLY=live or BENCH_ONLY=store runs one of the two parts. Chromium: CHROMIUM_PATH or /usr/bin/chromium.
// BENCH_UI_VIEW=fold=off (any view query) opens the live page on that view (folding is on by default).
// The machine is shared: CPU per alert (process.cpuUsage) is the steadier comparison.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { chromium } from "playwright-core";
import { createAlertUiServer } from "../dist/index.js";
import { startBarePage } from "./bare-page.mjs";
import { liveRun } from "./live-run.mjs";
import { fillStore, measureStoreView } from "./store-view.mjs";

const QUICK = process.env.BENCH_QUICK === "1";
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 10 : 180));
const ALERTS = Number(process.env.BENCH_ALERTS ?? (QUICK ? 20_000 : 1_000_000));
const REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 5 : 10));
const ONLY = process.env.BENCH_ONLY;
const UI_VIEW = process.env.BENCH_UI_VIEW ?? "";
const f1 = (x) => x.toFixed(1);
const f0 = (x) => x.toFixed(0);

console.log(
  `ui bench: ${QUICK ? "quick" : "full"} mode, ${cpus().length} cores, load ${loadavg().map(f1).join(" ")}`,
);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
const dirs = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "falco-ui-bench-"));
  dirs.push(d);
  return d;
};
const liveLine = (name, r) =>
  `  ${name.padEnd(9)} ${r.shown}/${r.alerts} shown (own row drawn: ${r.rowsSeen}); append->row p50 ${r.p50} ms, p99 ${r.p99} ms, ` +
  `max ${r.max} ms; heap start ${f1(r.heapStartMb)} MB, end ${f1(r.heapEndMb)} MB, ` +
  `max ${f1(r.heapMaxMb)} MB, end after GC ${f1(r.heapAfterGcMb)} MB; DOM elements ${r.domNodes}; ` +
  `server CPU ${r.cpuMsPerAlert.toFixed(3)} ms/alert; heap at each quarter of the run ` +
  `${r.heapQuartersMb.map(f1).join(", ")} MB` +
  (r.heapMinutes.length === 0
    ? ""
    : `; each minute, heap max / after a forced GC: ${r.heapMinutes.map((m) => `${f1(m.maxMb)}/${f1(m.afterGcMb)}`).join(", ")} MB`);
async function live() {
  console.log(`live at ${RATE} alerts/s for ${SECONDS} s:`);
  const bare = await startBarePage();
  let next = 1;
  const bareResult = await liveRun(browser, {
    rate: RATE,
    seconds: SECONDS,
    open: async (page) => {
      await page.goto(bare.url);
      await page.locator("body[data-state=live]").waitFor({ state: "attached" });
    },
    emit: (jsons) => {
      const first = next;
      next += jsons.length;
      bare.emit(jsons, first);
      return first;
    },
  });
  await bare.close();
  console.log(liveLine("baseline", bareResult));

  const directory = tempDir();
  const store = openAlertStore({ directory, durable: false });
  const server = await createAlertUiServer({ store, directory, port: 0 });
  const uiResult = await liveRun(browser, {
    rate: RATE,
    seconds: SECONDS,
    open: async (page) => {
      await page.goto(server.loginUrl());
      await page.waitForURL((url) => url.pathname === "/");
      if (UI_VIEW) await page.goto(`${server.url}?${UI_VIEW}`);
      await page.locator("#status[data-state=live]").waitFor({ state: "attached" });
    },
    emit: (jsons) => store.append(jsons.map((json) => parseAlertJson(json))).first,
  });
  await server.close();
  store.close();
  console.log(liveLine(UI_VIEW ? `ui ${UI_VIEW}` : "ui", uiResult));
}

async function storeView() {
  console.log(`store of ${ALERTS} alerts:`);
  const viewDir = tempDir();
  const fill = fillStore(viewDir, ALERTS, REPS);
  console.log(
    `  filled in ${f1(fill.fillS)} s (${f0(fill.ratePerS)} alerts/s, store.append in batches of 10,000)`,
  );
  const view = await measureStoreView(browser, viewDir, REPS);
  console.log(
    `  first view (median of ${REPS}): ${f0(view.firstViewMs)} ms (max ${f0(view.firstViewMaxMs)} ms); ` +
      `baseline, the API's first page of 100 read by node: ${f1(view.firstPageMs)} ms`,
  );
  console.log(
    `  facets through the UI's API (${view.facetRequests} requests, 6 filter kinds): p50 ${f1(view.facetsP50)} ms, ` +
      `p95 ${f1(view.facetsP95)} ms; baseline, store.facets in-process: p50 ${f1(fill.directP50)} ms, p95 ${f1(fill.directP95)} ms`,
  );
  console.log(`  facets median by filter: ${view.facetMedians.join(", ")}`);
  console.log(
    `  UI server RSS: ${f0(view.idleMemory.rssMb)} MB at start, ${f0(view.loadedMemory.rssMb)} MB after the runs, ` +
      `peak ${f0(view.loadedMemory.peakMb)} MB; baseline, a process holding the store (same queries): ` +
      `${f0(view.baseMemory.rssMb)} MB, peak ${f0(view.baseMemory.peakMb)} MB`,
  );
}

try {
  if (ONLY !== "store") await live();
  if (ONLY !== "live") await storeView();
} finally {
  await browser.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
