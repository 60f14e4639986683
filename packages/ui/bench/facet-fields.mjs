// Where the facets time goes on a big store: store.facets with the page's two output fields,
// without them (priority, rule, host, source, tag: the store's bucket counts), and the histogram,
// each called once in-process on BENCH_ALERTS alerts (default 1,000,000) spread over 24 h.
//   node packages/ui/bench/facet-fields.mjs   (after pnpm build)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAlertStore } from "@falco-sdk/store";
import { fillStore } from "./store-view.mjs";

const count = Number(process.env.BENCH_ALERTS ?? 1_000_000);
const directory = mkdtempSync(join(tmpdir(), "falco-ui-bench-"));
try {
  const fill = fillStore(directory, count, 0);
  console.log(`${count} alerts filled in ${fill.fillS.toFixed(1)} s`);
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
  time("histogram over 24 h, 60 buckets", () =>
    store.histogram({ since: new Date(Date.now() - 86_400_000), bucketMs: 1_440_000 }),
  );
  store.close();
} finally {
  rmSync(directory, { recursive: true, force: true });
}
