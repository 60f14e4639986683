// One live run in chromium: alerts at RATE/s for SECONDS through `emit`, each row's first
// appearance in the DOM (a data-cursor set on a row) timed against the moment it was emitted
// (Date.now() on both sides: one machine, one clock). The page hands its observations over every
// second and forgets them, so the measurement itself does not grow the page's heap. The heap is
// V8's used heap of the page (CDP Runtime.getHeapUsage), sampled every second; "end after GC"
// is after a forced collection at the end.
import { benchAlertJson } from "./bench-alerts.mjs";

const OBSERVE = () => {
  let seen = [];
  const note = (node, now) => {
    const c = node?.dataset?.cursor;
    if (c) seen.push(c, now);
  };
  new MutationObserver((records) => {
    const now = Date.now();
    for (const r of records) {
      if (r.type === "attributes") note(r.target, now);
      else for (const n of r.addedNodes) note(n, now);
    }
  }).observe(document.getElementById("table"), {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["data-cursor"],
  });
  window.__drain = () => {
    const out = seen;
    seen = [];
    return out;
  };
};

const quantile = (sorted, p) => sorted[Math.min(Math.floor(p * sorted.length), sorted.length - 1)];

/**
 * `open(page)` navigates and waits until the page is live; `emit(jsons)` delivers a batch and
 * returns its first cursor. Returns latency quantiles, heap samples and the server CPU per alert.
 */
export async function liveRun(browser, { open, emit, rate, seconds }) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  const heap = async () => (await cdp.send("Runtime.getHeapUsage")).usedSize;
  await open(page);
  await page.evaluate(OBSERVE);
  const sent = new Map();
  const seen = new Map();
  const drain = async () => {
    const pairs = await page.evaluate(() => window.__drain());
    for (let i = 0; i < pairs.length; i += 2)
      if (!seen.has(pairs[i])) seen.set(pairs[i], pairs[i + 1]);
  };
  const heapStart = await heap();
  const samples = [heapStart];
  const total = rate * seconds;
  const batchMs = 10;
  const cpu0 = process.cpuUsage();
  const start = Date.now();
  let i = 0;
  let nextSample = start + 1000;
  // Each full minute: the used heap's max over that minute and the heap after a forced GC (what
  // the page retains), to tell a heap that holds its bound from one that grows.
  const minutes = [];
  let nextMinute = start + 60_000;
  let minuteMax = heapStart;
  while (i < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate) + 1);
    const batch = [];
    const now = Date.now();
    while (i < due) batch.push(benchAlertJson(i++, now));
    if (batch.length > 0) {
      const first = emit(batch);
      for (let k = 0; k < batch.length; k++) sent.set(String(first + k), now);
    }
    if (Date.now() >= nextSample) {
      nextSample += 1000;
      await drain();
      const used = await heap();
      samples.push(used);
      minuteMax = Math.max(minuteMax, used);
      if (Date.now() >= nextMinute) {
        nextMinute += 60_000;
        await cdp.send("HeapProfiler.collectGarbage");
        minutes.push({ maxMb: minuteMax / 1e6, afterGcMb: (await heap()) / 1e6 });
        minuteMax = 0;
      }
    } else await new Promise((r) => setTimeout(r, batchMs));
  }
  const cpu = process.cpuUsage(cpu0);
  const lastCursor = [...sent.keys()].at(-1);
  // Wait for the last row (or 10 s: a row the table never showed is reported as missed).
  await page
    .waitForFunction(
      (c) => document.querySelector(`#table [data-cursor="${c}"]`) !== null,
      lastCursor,
      { timeout: 10_000 },
    )
    .catch(() => {});
  await drain();
  samples.push(await heap());
  await cdp.send("HeapProfiler.collectGarbage");
  const heapAfterGc = await heap();
  const domNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  await context.close();
  // At 1000/s the UI renders every 50 ms and a row can be pushed below the fold before it is
  // drawn: an alert counts as shown when its row, or the row of a newer alert, is in the DOM.
  const shown = [...seen].map(([c, t]) => [Number(c), t]).sort((a, b) => a[0] - b[0]);
  for (let k = shown.length - 2; k >= 0; k--) shown[k][1] = Math.min(shown[k][1], shown[k + 1][1]);
  const latencies = [];
  let k = 0;
  for (const [c, t] of sent) {
    while (k < shown.length && shown[k][0] < Number(c)) k++;
    if (k < shown.length) latencies.push(shown[k][1] - t);
  }
  latencies.sort((a, b) => a - b);
  return {
    alerts: total,
    rowsSeen: seen.size,
    shown: latencies.length,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1),
    heapStartMb: heapStart / 1e6,
    heapEndMb: samples.at(-1) / 1e6,
    heapMaxMb: Math.max(...samples) / 1e6,
    heapAfterGcMb: heapAfterGc / 1e6,
    heapQuartersMb: [1, 2, 3, 4].map(
      (q) => samples[Math.round(((samples.length - 1) * q) / 4)] / 1e6,
    ),
    heapMinutes: minutes,
    domNodes,
    cpuMsPerAlert: (cpu.user + cpu.system) / 1000 / total,
  };
}
