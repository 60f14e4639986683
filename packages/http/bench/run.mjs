// pnpm bench (in packages/http): the receiver's answer rate in Falco 0.44's http_output loop
// (bench/falco-poster.mjs: one worker, one keep-alive connection, the next POST once the
// answer to the previous one came), against a bare node:http server that answers 204 without
// parsing (the baseline), in one run. Falco waits for each answer, so the answer rate is
// Falco's alert throughput. Poster and each server are separate processes; the rounds
// alternate the servers and the median of each is printed.
// BENCH_ALERTS (default 20000) alerts per round, BENCH_ROUNDS (default 5). BENCH_QUICK=1 (the
// short mode CI runs, `pnpm bench:short` at the root): 2000 alerts, 1 round: it proves the
// benchmark runs, its figures mean little.
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { startHelper } from "./ipc-process.mjs";

const quick = process.env.BENCH_QUICK === "1";
const N = Number(process.env.BENCH_ALERTS ?? (quick ? 2_000 : 20_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 5));
const here = (name) => fileURLToPath(new URL(name, import.meta.url));

console.log(
  `${new Date().toISOString()} node ${process.version}, ${cpus().length} x ${cpus()[0]?.model}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);
const poster = await startHelper(here("falco-poster.mjs"));
const kinds = {
  baseline: "bare node:http, 204 once the body is read (baseline)",
  receiver: 'createHttpAlertReceiver, acknowledge: "received" (the default)',
  "receiver-parsed": 'createHttpAlertReceiver, acknowledge: "parsed"',
};
const servers = {};
for (const kind of Object.keys(kinds)) {
  servers[kind] = await startHelper(here("server-process.mjs"), [kind]);
}

const results = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
async function round(count, record) {
  for (const [kind, server] of Object.entries(servers)) {
    const before = await server.ask({ type: "stats" });
    const run = await poster.ask({ type: "post", url: server.url, count });
    const after = await server.ask({ type: "stats" });
    if (run.statuses[204] !== count) {
      throw new Error(`${kind}: answers ${JSON.stringify(run.statuses)}, expected ${count} x 204`);
    }
    if (record) {
      results[kind].push({
        rate: (count / run.ms) * 1000,
        posterCpu: run.cpu / 10 / run.ms,
        serverCpu: (after.cpu - before.cpu) / 10 / run.ms,
        consumed: after.consumed - before.consumed,
      });
    }
  }
}
await round(Math.min(N, 2_000), false); // warm-up: connections, JIT
for (let r = 0; r < ROUNDS; r++) await round(N, true);

const median = (rows, key) => [...rows.map((x) => x[key])].sort((a, b) => a - b)[rows.length >> 1];
const base = median(results.baseline, "rate");
for (const [kind, label] of Object.entries(kinds)) {
  const rows = results[kind];
  const rate = median(rows, "rate");
  console.log(
    `${label}: ${Math.round(rate)} answers/s, ${(rate / base).toFixed(2)}x baseline ` +
      `(CPU: poster ${Math.round(median(rows, "posterCpu"))}%, server ` +
      `${Math.round(median(rows, "serverCpu"))}% of a core; ${N} alerts x ${ROUNDS} rounds, median)`,
  );
}
poster.stop();
for (const server of Object.values(servers)) server.stop();
