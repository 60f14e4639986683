// What the field counts cost on ingest: CPU time per alert (process.cpuUsage: the steady figure
// on a loaded machine) of appending BENCH_ALERTS alerts (default 100,000; 10,000 with
// BENCH_QUICK=1) in batches of 500, `durable: false`, with `countedFields: []` (the baseline)
// and with the default fields, each twice, alternating.
//   cd packages/store && node bench/field-counts-cost.mjs   (after pnpm build)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_COUNTED_FIELDS, openAlertStore } from "../dist/index.js";
import { benchAlerts } from "./alerts.mjs";

const count = Number(
  process.env.BENCH_ALERTS ?? (process.env.BENCH_QUICK === "1" ? 10_000 : 100_000),
);
const alerts = [...benchAlerts(count)];
const cost = (countedFields) => {
  const directory = mkdtempSync(join(tmpdir(), "falco-store-bench-"));
  try {
    const store = openAlertStore({ directory, durable: false, countedFields });
    const c = process.cpuUsage();
    for (let i = 0; i < count; i += 500) store.append(alerts.slice(i, i + 500));
    const d = process.cpuUsage(c);
    store.close();
    return (d.user + d.system) / count;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
};
const none = [];
const some = [];
for (let r = 0; r < 2; r++) {
  none.push(cost([]));
  some.push(cost([...DEFAULT_COUNTED_FIELDS]));
}
const f = (xs) => xs.map((x) => x.toFixed(1)).join(" and ");
console.log(`field counts: ${count.toLocaleString("en")} alerts, batches of 500, CPU µs per alert`);
console.log(`  countedFields ${JSON.stringify(DEFAULT_COUNTED_FIELDS)}: ${f(some)}`);
console.log(
  `  baseline countedFields []: ${f(none)}; ${((some[0] + some[1]) / (none[0] + none[1])).toFixed(2)}x`,
);
