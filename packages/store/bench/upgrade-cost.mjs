// What opening a store of schema 2 costs (the upgrade to schema 3 counts the default fields of
// every alert kept, in one transaction): BENCH_ALERTS alerts (default 1,000,000; 20,000 with
// BENCH_QUICK=1) appended in batches of 500, the field counts dropped and the schema set back to
// 2, then `openAlertStore` timed (wall and CPU); beside it, the baseline: opening the same store
// again (schema 3, nothing to do).
//   cd packages/store && node bench/upgrade-cost.mjs   (after pnpm build)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { openAlertStore } from "../dist/index.js";
import { benchAlerts } from "./alerts.mjs";

const quick = process.env.BENCH_QUICK === "1";
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
  db.exec("DROP TABLE field_counts; DELETE FROM store_meta WHERE key = 'counted_fields'");
  db.prepare("UPDATE store_meta SET value = '2' WHERE key = 'schema'").run();
  db.close();
  const upgrade = timed(() => openAlertStore({ directory, durable: false }).close());
  const again = timed(() => openAlertStore({ directory, durable: false }).close());
  const f = (x) => `${(x.wallMs / 1000).toFixed(1)} s wall, ${(x.cpuMs / 1000).toFixed(1)} s CPU`;
  console.log(`upgrade: a store of ${count.toLocaleString("en")} alerts, schema 2 -> 3`);
  console.log(`  open with the upgrade (field counts of the default fields): ${f(upgrade)}`);
  console.log(`  baseline: open again (schema 3): ${f(again)}`);
} finally {
  rmSync(directory, { recursive: true, force: true });
}
