// pnpm bench (in packages/store): the store's ingest rate beside raw inserts into the same engine
// (SQLite, WAL, one row of JSON per alert: what a user would write by hand), then, in a fresh
// process over the same store: query, facets and histogram latency (24 h window, one filter),
// the rate a reader reads back at, RSS, and disk per alert against its raw JSON.
// BENCH_ALERTS (default 1,000,000). BENCH_QUICK=1 (the short mode CI runs, `pnpm bench:short`
// at the root) stores 20,000: it proves the benchmark runs, its figures mean little.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatAlertJson } from "@falco-sdk/core";
import Database from "better-sqlite3";
import { openAlertStore } from "../dist/index.js";
import { benchAlerts } from "./alerts.mjs";

const quick = process.env.BENCH_QUICK === "1";
const count = Number(process.env.BENCH_ALERTS ?? (quick ? 20_000 : 1_000_000));
const BATCH = 500;
const dir = mkdtempSync(join(tmpdir(), "falco-store-bench-"));
const dirBytes = (d, prefix = "") =>
  readdirSync(d)
    .filter((f) => f.startsWith(prefix))
    .reduce((s, f) => s + statSync(join(d, f)).size, 0);

function* batches() {
  let batch = [];
  for (const alert of benchAlerts(count)) {
    batch.push(alert);
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

// Baseline: raw inserts of each alert's JSON, one transaction per batch, same durability.
const raw = new Database(join(dir, "raw.db"));
raw.pragma("journal_mode = WAL");
raw.pragma("synchronous = FULL");
raw.exec("CREATE TABLE alerts(seq INTEGER PRIMARY KEY AUTOINCREMENT, json TEXT NOT NULL)");
const insert = raw.prepare("INSERT INTO alerts(json) VALUES (?)");
const rawBatch = raw.transaction((alerts) => {
  for (const a of alerts) insert.run(formatAlertJson(a));
});
const storeDir = join(dir, "store");
const store = openAlertStore({ directory: storeDir });
let rawMs = 0;
let storeMs = 0;
let rawCpuUs = 0;
let storeCpuUs = 0;
let jsonBytes = 0;
const cpuUs = (c) => c.user + c.system;
for (const batch of batches()) {
  for (const a of batch) jsonBytes += Buffer.byteLength(formatAlertJson(a)) + 1;
  let c = process.cpuUsage();
  let t = performance.now();
  rawBatch(batch);
  rawMs += performance.now() - t;
  rawCpuUs += cpuUs(process.cpuUsage(c));
  c = process.cpuUsage();
  t = performance.now();
  store.append(batch);
  storeMs += performance.now() - t;
  storeCpuUs += cpuUs(process.cpuUsage(c));
}
const ingestRss = Math.round(process.memoryUsage().rss / 1048576);
raw.pragma("wal_checkpoint(TRUNCATE)");
raw.close();
store.close();
const rate = (ms) => Math.round((count / ms) * 1000);
console.log(`store bench: ${count.toLocaleString("en")} alerts (${BATCH} per append), one process`);
const perCore = (us) => Math.round((count / us) * 1e6);
console.log(
  `  ingest    store ${rate(storeMs).toLocaleString("en")} alerts/s wall, ${(storeCpuUs / count).toFixed(1)} µs CPU/alert = ${perCore(storeCpuUs).toLocaleString("en")} alerts/s per core (target >= 20,000: ${perCore(storeCpuUs) >= 20_000 ? "met" : "NOT met"})`,
);
console.log(
  `            baseline: raw inserts ${rate(rawMs).toLocaleString("en")} alerts/s wall, ${(rawCpuUs / count).toFixed(1)} µs CPU/alert = ${perCore(rawCpuUs).toLocaleString("en")} alerts/s per core; the store costs ${(storeCpuUs / rawCpuUs).toFixed(2)}x its CPU`,
);
console.log(
  `            rss of the ingesting process ${ingestRss} MB (it also holds the generator and the raw database)`,
);

// Queries in a fresh process (its own `nice` and load are the caller's), so its RSS is the store's, not the generator's.
const out = execFileSync(
  process.execPath,
  [fileURLToPath(new URL("query-process.mjs", import.meta.url)), storeDir],
  {
    encoding: "utf8",
  },
);
console.log(out.trimEnd());
const disk = dirBytes(storeDir);
const rawDisk = dirBytes(dir, "raw.db");
console.log(
  `  disk      ${Math.round(disk / count)} bytes/alert (store)   ${Math.round(rawDisk / count)} (raw inserts)   ${Math.round(jsonBytes / count)} (Falco's JSON, one line)`,
);
rmSync(dir, { recursive: true, force: true });
