// pnpm bench:engines (in packages/store): the comparison behind the store's choice of engine,
// on the store's workload: the same alerts (Falco's default rules, 20 hosts, 24 hours) appended
// in batches of 500 with each batch durable, then the newest 100 of one host, facets of one
// host, a page read after a cursor, in each engine's best shape, each engine in a process of its
// own (so RSS is its own). SQLite is @falco-sdk/store itself; DuckDB (@duckdb/node-api) gets a
// table of the same columns, filled by its appender. BENCH_ALERTS (default 1,000,000).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatAlertJson, PRIORITIES, parseAlertJson } from "@falco-sdk/core";
import { benchAlerts } from "./alerts.mjs";

const count = Number(
  process.env.BENCH_ALERTS ?? (process.env.BENCH_QUICK === "1" ? 20_000 : 1_000_000),
);
const engine = process.argv[2];
const cpuOf = (c) => c.user + c.system;
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

function* batches() {
  let batch = [];
  for (const alert of benchAlerts(count)) {
    batch.push(alert);
    if (batch.length === 500) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function sqlite(dir) {
  const { openAlertStore } = await import("../dist/index.js");
  const store = openAlertStore({ directory: dir });
  let ms = 0;
  let cpuUs = 0;
  for (const batch of batches()) {
    const c = process.cpuUsage();
    const t = performance.now();
    store.append(batch);
    ms += performance.now() - t;
    cpuUs += cpuOf(process.cpuUsage(c));
  }
  const since = new Date(Date.now() - 86_400_000);
  const q = [];
  const f = [];
  const fs = [];
  const r = [];
  for (let i = 0; i < 20; i++) {
    const filter = { hostname: [`node-${i}`] };
    let t = performance.now();
    store.query({ since, filter, limit: 100 });
    q.push(performance.now() - t);
    t = performance.now();
    store.facets({ since, filter });
    f.push(performance.now() - t);
    // The same without the store's bucket counts: a scan, as DuckDB does.
    store.queries.useCounts = false;
    t = performance.now();
    store.facets({ since, filter });
    fs.push(performance.now() - t);
    store.queries.useCounts = true;
    t = performance.now();
    let n = 0;
    for await (const _ of store.read({
      after: Math.floor(count / 2) + i * 1000,
      follow: false,
      pageSize: 1000,
    })) {
      if (++n === 1000) break;
    }
    r.push(performance.now() - t);
  }
  store.close();
  return {
    ingestPerS: Math.round((count / ms) * 1000),
    cpuUsPerAlert: cpuUs / count,
    query: p95(q),
    facets: p95(f),
    facetsScan: p95(fs),
    readPage: p95(r),
  };
}

async function duckdb(dir) {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const instance = await DuckDBInstance.create(join(dir, "alerts.duckdb"), { threads: "1" });
  const c = await instance.connect();
  await c.run(`CREATE TABLE alerts(seq BIGINT, time_ns BIGINT, priority UTINYINT, rule VARCHAR,
    hostname VARCHAR, source VARCHAR, tags VARCHAR[], json VARCHAR)`);
  let ms = 0;
  let cpuUs = 0;
  let seq = 0;
  for (const batch of batches()) {
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    const appender = await c.createAppender("alerts");
    for (const a of batch) {
      appender.appendBigInt(BigInt(++seq));
      appender.appendBigInt(a.timeNs);
      appender.appendUTinyInt(PRIORITIES.indexOf(a.priority));
      appender.appendVarchar(a.rule);
      appender.appendVarchar(a.hostname);
      appender.appendVarchar(a.source);
      appender.appendVarchar(JSON.stringify(a.tags)); // cast below
      appender.appendVarchar(formatAlertJson(a));
      appender.endRow();
    }
    appender.closeSync(); // commits the batch (durable: DuckDB's WAL is synced at commit)
    ms += performance.now() - t;
    cpuUs += cpuOf(process.cpuUsage(cpu0)); // every thread of the process
  }
  const since = BigInt(Date.now() - 86_400_000) * 1_000_000n;
  const rows = async (sql) => (await c.run(sql)).getRows();
  // Alerts out, as the store gives them: parsed from their JSON.
  const alerts = async (sql) =>
    (await rows(sql)).map(([seq, json]) => ({ seq, alert: parseAlertJson(json) }));
  const q = [];
  const f = [];
  const r = [];
  for (let i = 0; i < 20; i++) {
    const w = `time_ns >= ${since} AND hostname = 'node-${i}'`;
    let t = performance.now();
    await alerts(`SELECT seq, json FROM alerts WHERE ${w} ORDER BY seq DESC LIMIT 100`);
    q.push(performance.now() - t);
    t = performance.now();
    await rows(`SELECT priority, rule, hostname, source, count(*) FROM alerts WHERE ${w}
      GROUP BY GROUPING SETS ((priority), (rule), (hostname), (source))`);
    await rows(
      `SELECT tag, count(*) FROM (SELECT unnest(tags) AS tag FROM alerts WHERE ${w}) GROUP BY tag`,
    );
    f.push(performance.now() - t);
    t = performance.now();
    const after = Math.floor(count / 2) + i * 1000;
    await alerts(`SELECT seq, json FROM alerts WHERE seq > ${after} ORDER BY seq LIMIT 1000`);
    r.push(performance.now() - t);
  }
  return {
    ingestPerS: Math.round((count / ms) * 1000),
    cpuUsPerAlert: cpuUs / count,
    query: p95(q),
    facets: p95(f),
    readPage: p95(r),
  };
}

if (engine) {
  const dir = process.argv[3];
  const result = await (engine === "sqlite" ? sqlite(dir) : duckdb(dir));
  const disk = readdirSync(dir).reduce((s, f) => s + statSync(join(dir, f)).size, 0);
  process.stdout.write(
    JSON.stringify({
      ...result,
      rssMB: Math.round(process.memoryUsage().rss / 1048576),
      diskPerAlert: Math.round(disk / count),
    }),
  );
} else {
  console.log(
    `engines: ${count.toLocaleString("en")} alerts, batches of 500, 20 rounds (p95 in ms)`,
  );
  console.log(
    "engine    ingest/s  cpu µs/alert  newest-100  facets  facets-scan  read-1000  rss MB  disk B/alert",
  );
  for (const name of ["sqlite", "duckdb"]) {
    const dir = mkdtempSync(join(tmpdir(), `falco-engines-${name}-`));
    try {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), name, dir], {
        encoding: "utf8",
      });
      const x = JSON.parse(out);
      console.log(
        `${name.padEnd(9)} ${String(x.ingestPerS).padStart(8)}  ${x.cpuUsPerAlert.toFixed(1).padStart(12)}  ${x.query.toFixed(1).padStart(10)}  ${x.facets.toFixed(1).padStart(6)}  ${(x.facetsScan ?? x.facets).toFixed(1).padStart(11)}  ${x.readPage.toFixed(1).padStart(9)}  ${String(x.rssMB).padStart(6)}  ${String(x.diskPerAlert).padStart(12)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
