// Where the facets time goes on a big store: store.facets with the page's two output fields
// (counted by the store: its field counts), without them (priority, rule, host, source, tag: the
// store's bucket counts), with an output field the store does not count (read from every alert:
// the baseline), and the histogram, each called once in-process on BENCH_ALERTS alerts (default
// 1,000,000) spread over 24 h; then the page's facets with its 6 filter kinds, BENCH_REPS times
// each (default 5), p50 / p95.
//   node packages/ui/bench/facet-fields.mjs   (after pnpm build)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAlertStore } from "@falco-sdk/store";
import { fillStore } from "./store-view.mjs";

const count = Number(process.env.BENCH_ALERTS ?? 1_000_000);
const reps = Number(process.env.BENCH_REPS ?? 5);
const directory = mkdtempSync(join(tmpdir(), "falco-ui-bench-"));
try {
  const fill = fillStore(directory, count, reps);
  console.log(`${count} alerts filled in ${fill.fillS.toFixed(1)} s`);
  console.log(
    `  facets with the page's fields and 6 filter kinds, ${reps * 6} calls: p50 ${fill.directP50.toFixed(1)} ms, p95 ${fill.directP95.toFixed(1)} ms`,
  );
  const store = openAlertStore({ directory, durable: false });
  const time = (name, call) => {
    const t = performance.now();
    call();
    console.log(`  ${name}: ${(performance.now() - t).toFixed(1)} ms`);
  };
  time("facets with fields k8s.ns.name, container.image.repository", () =>
    store.facets({ fields: ["k8s.ns.name", "container.image.repository"], limit: 8 }),
  );
  time("facets without output fields", () => store.facets({ limit: 8 }));
  time("baseline: facets with proc.name, user.name (fields the store does not count)", () =>
    store.facets({ fields: ["proc.name", "user.name"], limit: 8 }),
  );
  time("histogram over 24 h, 60 buckets", () =>
    store.histogram({ since: new Date(Date.now() - 86_400_000), bucketMs: 1_440_000 }),
  );
  store.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
