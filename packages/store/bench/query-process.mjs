// The query half of bench/run.mjs, in its own process: opens the store in argv[2] and measures
// query, facets and histogram (24 h window, one filter), a full read, and RSS.
import { openAlertStore } from "../dist/index.js";

const store = openAlertStore({ directory: process.argv[2] });
const rounds = process.env.BENCH_QUICK === "1" ? 5 : 40;
const since = new Date(Date.now() - 86_400_000);
const filters = Array.from({ length: rounds }, (_, i) => ({ hostname: [`node-${i % 20}`] }));
const p = (xs, q) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const time = (f) => {
  const ms = [];
  for (const filter of filters) {
    const t = performance.now();
    f(filter);
    ms.push(performance.now() - t);
  }
  return `p50 ${p(ms, 0.5).toFixed(1)} ms  p95 ${p(ms, 0.95).toFixed(1)} ms`;
};
const fmt = (n) => n.toLocaleString("en");
console.log(
  `  query    ${time((filter) => store.query({ since, filter, limit: 100 }))}   (newest 100, one host)`,
);
console.log(
  `  facets   ${time((filter) => store.facets({ since, filter }))}   (priority, rule, hostname, source, tag; one host)`,
);
console.log(
  `  facets   ${time(() => store.facets({ since }))}   (no filter: every alert of the 24 h)`,
);
console.log(
  `  histogram ${time((filter) => store.histogram({ since, filter }))}   (60 buckets by priority; one host)`,
);
let n = 0;
const t = performance.now();
for await (const _ of store.read({ follow: false, pageSize: 1000 })) n++;
const readMs = performance.now() - t;
console.log(
  `  read     ${fmt(Math.round((n / readMs) * 1000))} alerts/s (every alert from cursor 0, parsed)`,
);
console.log(
  `  rss      ${Math.round(process.memoryUsage().rss / 1048576)} MB with ${fmt(store.stats().count)} alerts stored`,
);
store.close();
