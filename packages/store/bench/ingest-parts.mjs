// Where the store's ingest CPU goes: 100,000 alerts appended with and without the text index
// and the field counts, each variant twice, alternating (cd packages/store && node bench/ingest-parts.mjs).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { openAlertStore } from "../dist/index.js";
import { benchAlerts } from "./alerts.mjs";

const N = 100_000;
const alerts = [...benchAlerts(N)];
const variants = {
  full: {},
  noText: { textIndex: false },
  noFields: { countedFields: [] },
  neither: { textIndex: false, countedFields: [] },
};
for (let round = 0; round < 2; round++)
  for (const [name, opts] of Object.entries(variants)) {
    const dir = mkdtempSync(join(tmpdir(), "parts-"));
    const s = openAlertStore({ directory: dir, ...opts });
    const c = process.cpuUsage();
    for (let i = 0; i < N; i += 500) s.append(alerts.slice(i, i + 500));
    const u = process.cpuUsage(c);
    s.close();
    rmSync(dir, { recursive: true });
    console.log(
      round,
      name,
      ((u.user + u.system) / N).toFixed(1),
      "µs/alert",
      "load",
      loadavg()[0].toFixed(2),
    );
  }
