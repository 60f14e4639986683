// The query half of bench/run.mjs, in its own process: opens the store in argv[2] and measures
// query, facets and histogram (24 h window, one filter), each beside its baseline in this run
// (facets and histogram: the scan of every alert in the window, the store's path without its
// bucket and field counts), a full read, and RSS.
import { openAlertStore } from "../dist/index.js";

const store = openAlertStore({ directory: process.argv[2] });
const quick = process.env.BENCH_QUICK === "1";
const rounds = quick ? 8 : 40;
const since = new Date(Date.now() - 86_400_000);
const filters = Array.from({ length: rounds }, (_, i) => ({ hostname: [`node-${i % 20}`] }));
const p = (xs, q) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
// The store's private query object: `useCounts = false` is the scan (the baseline).
const queries = store.queries;
// Wall time and CPU time (process.cpuUsage: what the query cost, whatever the machine's load) of
// each call; the baselines (scans, seconds each) run an eighth of the rounds.
const time = (f, useCounts = true) => {
  queries.useCounts = useCounts;
  const wall = [];
  const cpu = [];
  const chosen = useCounts ? filters : filters.filter((_, i) => i % 8 === 0);
  for (const [i, filter] of chosen.entries()) {
    const c = process.cpuUsage();
    const t = performance.now();
    f(filter, i);
    wall.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  queries.useCounts = true;
  return { p50: p(wall, 0.5), p95: p(wall, 0.95), cpu95: p(cpu, 0.95) };
};
const fmt = (n) => n.toLocaleString("en");
const ms = (x) =>
  `p50 ${x.p50.toFixed(1).padStart(6)} ms  p95 ${x.p95.toFixed(1).padStart(6)} ms  (CPU p95 ${x.cpu95.toFixed(1).padStart(6)} ms)`;
const target = (x) =>
  `(target p95 < 100 ms: ${x.p95 < 100 ? "met" : "NOT met"} in wall time, ${x.cpu95 < 100 ? "met" : "NOT met"} in CPU time)`;
const pair = (name, what, f) => {
  const fast = time(f);
  const scan = time(f, false);
  console.log(`  ${name.padEnd(9)} ${ms(fast)}   ${what}`);
  console.log(
    `  ${"".padEnd(9)} ${ms(scan)}   baseline: the same without bucket counts (scan); ${(scan.p95 / fast.p95).toFixed(1)}x`,
  );
  return fast;
};
const q = time((filter) => store.query({ since, filter, limit: 100 }));
console.log(`  query     ${ms(q)}   newest 100 of one host, 24 h ${target(q)}`);
// Free text (the full-text index, `filter.text`): a word of the outputs of recent alerts, one per
// round, newest 100 of the 24 h.
const words = store
  .query({ since, limit: rounds })
  .alerts.map((a) => a.output.split(/[^A-Za-z]+/).filter((w) => w.length > 4)[1] ?? "shell");
const qt = time((_, i) =>
  store.query({ since, filter: { text: words[i % words.length] }, limit: 100 }),
);
console.log(
  `  query     ${ms(qt)}   newest 100 with a word of the output (text), 24 h ${target(qt)}`,
);
const f = pair("facets", "priority, rule, hostname, source, tag of one host, 24 h", (filter) =>
  store.facets({ since, filter }),
);
console.log(`  ${"".padEnd(9)} ${target(f)}`);
pair("facets", "no filter: every alert of the 24 h", () => store.facets({ since }));
// The web view's facets: its two output fields (the store's field counts; the baseline reads
// each alert's JSON), without a filter and filtered on one namespace.
const fields = ["k8s.ns.name", "container.image.repository"];
const ff = pair(
  "facets",
  "+ fields k8s.ns.name, container.image.repository, one host, 24 h",
  (filter) => store.facets({ since, filter, fields, limit: 8 }),
);
console.log(`  ${"".padEnd(9)} ${target(ff)}`);
const namespaces = store.facets({ since, fields, limit: 20 }).fields["k8s.ns.name"] ?? [];
const nsFilters = filters.map((_, i) => ({
  fields: { "k8s.ns.name": [namespaces[i % Math.max(namespaces.length, 1)]?.value ?? "none"] },
}));
const fn = pair("facets", "+ fields, filter field.k8s.ns.name (one namespace), 24 h", (_, i) =>
  store.facets({ since, filter: nsFilters[i % nsFilters.length], fields, limit: 8 }),
);
console.log(`  ${"".padEnd(9)} ${target(fn)}`);
pair("histogram", "60 buckets by priority of one host, 24 h", (filter) =>
  store.histogram({ since, filter }),
);
let n = 0;
const t = performance.now();
for await (const _ of store.read({ follow: false, pageSize: 1000 })) n++;
const readMs = performance.now() - t;
console.log(
  `  read      ${fmt(Math.round((n / readMs) * 1000))} alerts/s (every alert from cursor 0, parsed)`,
);
const rss = Math.round(process.memoryUsage().rss / 1048576);
console.log(
  `  rss       ${rss} MB with ${fmt(store.stats().count)} alerts stored, after the queries and the read (target <= 256 MB: ${rss <= 256 ? "met" : "NOT met"})`,
);
const countRows = store.db.prepare("SELECT count(*) FROM alert_counts").pluck().get();
const fieldRows = store.db.prepare("SELECT count(*) FROM field_counts").pluck().get();
console.log(
  `  counts    ${fmt(countRows)} bucket-count rows and ${fmt(fieldRows)} field-count rows (per hour and per 5 minutes) for ${fmt(store.stats().count)} alerts`,
);
store.close();
