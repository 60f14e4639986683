// What opening a store of an older schema costs (the upgrade, in one transaction): BENCH_ALERTS
// alerts (default 1,000,000; 20,000 with BENCH_QUICK=1) appended in batches of 500, the store
// made one of schema 3 as that code wrote it (a row per tag and alert in alert_tags; 3 -> 4 moves
// them into alerts.tagset), or with BENCH_FROM=2 also without its field counts (2 -> 4 counts the
// default fields of every alert kept too), then `openAlertStore` timed (wall and CPU); beside it,
// the baseline: opening the same store again (schema 4, nothing to do).
//   cd packages/store && node bench/upgrade-cost.mjs   (after pnpm build)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openAlertStore } from "../dist/index.js";
import { benchAlerts } from "./alerts.mjs";

const quick = process.env.BENCH_QUICK === "1";
const from = Number(process.env.BENCH_FROM ?? 3);
const count = Number(process.env.BENCH_ALERTS ?? (quick ? 20_000 : 1_000_000));
const directory = mkdtempSync(join(tmpdir(), "falco-store-bench-"));
const timed = (f) => {
  const c = process.cpuUsage();
  const t = performance.now();
  f();
  const d = process.cpuUsage(c);
  return { wallMs: performance.now() - t, cpuMs: (d.user + d.system) / 1000 };
};
try {
  const store = openAlertStore({ directory, durable: false });
  let batch = [];
  for (const alert of benchAlerts(count)) {
    batch.push(alert);
    if (batch.length === 500) {
      store.append(batch);
      batch = [];
    }
  }
  if (batch.length > 0) store.append(batch);
  store.close();
  const db = new Database(join(directory, "alerts.db"));
  db.exec(`
    BEGIN;
    CREATE TABLE alert_tags(tag INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(tag, seq)) WITHOUT ROWID;
    CREATE INDEX alert_tags_by_seq ON alert_tags(seq);
    INSERT INTO alert_tags(tag, seq) SELECT j.value, a.seq FROM alerts a
      JOIN dict d ON d.id = a.tagset, json_each('[' || d.value || ']') j;
    DROP INDEX alerts_by_time;
    ALTER TABLE alerts DROP COLUMN tagset;
    CREATE INDEX alerts_by_time ON alerts(time_ns, priority, rule, hostname, source);
    DELETE FROM dict WHERE kind = 5;
    UPDATE store_meta SET value = '3' WHERE key = 'schema';
    COMMIT;
  `);
  if (from === 2) {
    db.exec("DROP TABLE field_counts; DELETE FROM store_meta WHERE key = 'counted_fields'");
    db.prepare("UPDATE store_meta SET value = '2' WHERE key = 'schema'").run();
  }
  db.close();
  const upgrade = timed(() => openAlertStore({ directory, durable: false }).close());
  const again = timed(() => openAlertStore({ directory, durable: false }).close());
  const f = (x) => `${(x.wallMs / 1000).toFixed(1)} s wall, ${(x.cpuMs / 1000).toFixed(1)} s CPU`;
  const what = from === 2 ? "tag sets and field counts of the default fields" : "tag sets";
  console.log(`upgrade: a store of ${count.toLocaleString("en")} alerts, schema ${from} -> 4`);
  console.log(`  open with the upgrade (${what}): ${f(upgrade)}`);
  console.log(`  baseline: open again (schema 4): ${f(again)}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
