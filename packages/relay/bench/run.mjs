// pnpm bench (in packages/relay): does the relay keep up? Each figure beside its baseline, in
// one run (the targets of issue 18 item 6 are printed with them):
// 1. Falco 0.44's http_output path: alerts posted the way Falco posts them
//    (../../http/bench/falco-poster.mjs: one worker, one keep-alive connection, each answer
//    awaited) into the relay's receiver, read by 1 and 10 SDK subscribers over the relay's gRPC
//    API; the baseline is the same alerts into a bare receiver with one consumer (what users
//    do without a relay). Also Falco's answer rate: a slow relay slows Falco's one worker.
// 2. From the C++ benchmark server (../../client/bench: gRPC C++, Falco's output semantics):
//    a backlog read by the relay and delivered to 10 SDK subscribers.
// 3. Latency at 1,000 alerts/s on the http_output path: the poster stamps each alert when it
//    makes it; receipt minus that, through the relay (1 and 10 subscribers) and direct.
// Poster, relay, baseline receiver and C++ server are processes of their own; the SDK
// subscribers share this one. BENCH_ALERTS (default 20000) per throughput phase, BENCH_ROUNDS
// (default 3, the median is printed). BENCH_QUICK=1 (the short mode CI runs, `pnpm bench:short`
// at the root): few alerts, one round, in seconds: it proves the benchmark runs, its figures
// mean little.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createFalcoClient } from "@falco-sdk/client";
import { startCppServer } from "../../client/bench/falco-cpp-server.mjs";
import { startHelper } from "../../http/bench/ipc-process.mjs";

const quick = process.env.BENCH_QUICK === "1";
const N = Number(process.env.BENCH_ALERTS ?? (quick ? 2_000 : 20_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
const RATE = 1000;
const RATE_MS = quick ? 1_000 : 5_000;
/** Poll interval of the latency phase's subscribers: the subscriber's own wait stays out of it. */
const LATENCY_POLL_MS = 1;
const here = (name) => fileURLToPath(new URL(name, import.meta.url));

console.log(
  `${new Date().toISOString()} node ${process.version}, ${cpus().length} x ${cpus()[0]?.model}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        " ",
      )}; relay minWriteIntervalMs ${process.env.BENCH_MIN_WRITE_INTERVAL_MS ?? "default (0)"}`,
);
const dir = mkdtempSync(join(tmpdir(), "falco-relay-bench-"));
const poster = await startHelper(here("../../http/bench/falco-poster.mjs"));
const direct = await startHelper(here("receiver-process.mjs"));
const httpRelay = await startHelper(here("relay-process.mjs"), ["http", join(dir, "http.sock")]);
// Two C++ servers: Falco's queue is shared and destructive, so the relay reads one and the
// direct subscriber the other (alerts the relay took would be missing from the baseline).
const cpp = await startCppServer(mkdtempSync(join(dir, "cpp-relayed-")));
const cppAlone = await startCppServer(mkdtempSync(join(dir, "cpp-direct-")));
const grpcRelay = await startHelper(here("relay-process.mjs"), [
  "grpc",
  cpp.endpoint,
  join(dir, "grpc.sock"),
]);

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const perSecond = (count, ms) => (count / ms) * 1000;
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
const cpuOf = async (helper) => (await helper.ask({ type: "stats" })).cpu;

/**
 * `k` SDK subscribers of `endpoint`, connected and attached to the relay, then `fn()`; each
 * subscriber reads `count` alerts, calling `onAlert(alert)`; resolves with each one's time (ms,
 * from when fn was called) to its last alert, and what fn resolved with.
 */
async function withSubscribers(relay, endpoint, k, count, fn, { onAlert, pollIntervalMs } = {}) {
  const clients = Array.from({ length: k }, () => createFalcoClient({ endpoint }));
  let t0 = 0;
  const started = (await relay.ask({ type: "stats" })).stats.subscribers;
  const done = clients.map(async (client) => {
    let got = 0;
    for await (const alert of client.subscribe({ pollIntervalMs })) {
      onAlert?.(alert);
      if (++got === count) break;
    }
    return performance.now() - t0;
  });
  while ((await relay.ask({ type: "stats" })).stats.subscribers < started + k) await sleep(10);
  t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = await fn();
  const times = await Promise.all(done);
  const { user, system } = process.cpuUsage(cpu0);
  const subscribersCpu = (user + system) / 10 / Math.max(...times);
  await Promise.all(clients.map((c) => c.close()));
  // The relay sees them leave: the next phase counts its own.
  while ((await relay.ask({ type: "stats" })).stats.subscribers > started) await sleep(10);
  return { times, result, subscribersCpu };
}

const rows = [];
const row = (what, value, baseline, target, pass) => {
  rows.push({ what, value, baseline, target, pass: pass ? "yes" : "NO" });
  console.log(
    `${what}: ${value} (baseline ${baseline}; target ${target}: ${pass ? "met" : "NOT met"})`,
  );
};

// 1. Throughput on the http_output path.
async function httpDirect(count) {
  const cpu0 = await cpuOf(direct);
  const consumed = direct.ask({ type: "expect", count });
  const posted = await poster.ask({ type: "post", url: direct.url, count });
  const { ms } = await consumed;
  const cpuPerAlert = ((await cpuOf(direct)) - cpu0) / count;
  return {
    rate: perSecond(count, Math.max(ms, posted.ms)),
    answers: perSecond(count, posted.ms),
    cpuPerAlert,
  };
}
/** The relay's event-loop utilization since `e0` (busy or waiting for a CPU, of wall time). */
const eluOf = async (helper, e0) => {
  const e1 = (await helper.ask({ type: "elu" })).elu;
  return e0 ? (e1.active - e0.active) / (e1.active + e1.idle - e0.active - e0.idle) : e1;
};
async function httpRelayed(k, count) {
  const elu0 = await eluOf(httpRelay);
  const cpu0 = await cpuOf(httpRelay);
  const {
    times,
    result: posted,
    subscribersCpu,
  } = await withSubscribers(httpRelay, httpRelay.endpoint, k, count, () =>
    poster.ask({ type: "post", url: httpRelay.url, count }),
  );
  const cpu = (await cpuOf(httpRelay)) - cpu0;
  const elu = await eluOf(httpRelay, elu0);
  const slowest = Math.max(...times);
  return {
    elu,
    each: perSecond(count, slowest),
    answers: perSecond(count, posted.ms),
    relayCpu: cpu / 10 / slowest,
    cpuPerAlert: cpu / count,
    subscribersCpu,
  };
}
await httpDirect(Math.min(N, 2000)); // warm-up: connections, JIT
await httpRelayed(1, Math.min(N, 2000));
for (const k of [1, 10]) {
  const relayed = [];
  const baseline = [];
  for (let r = 0; r < ROUNDS; r++) {
    baseline.push(await httpDirect(N));
    relayed.push(await httpRelayed(k, N));
  }
  const each = median(relayed.map((x) => x.each));
  const base = median(baseline.map((x) => x.rate));
  const ratio = each / base;
  const target = k === 1 ? 0.9 : 0.8;
  console.log(
    `  http_output path, ${k} subscriber(s): Falco's answers/s through the relay ` +
      `${Math.round(median(relayed.map((x) => x.answers)))}, direct ` +
      `${Math.round(median(baseline.map((x) => x.answers)))}; relay process CPU ` +
      `${Math.round(median(relayed.map((x) => x.relayCpu)))}%, subscribers' process ` +
      `${Math.round(median(relayed.map((x) => x.subscribersCpu)))}% of a core; relay event loop ` +
      `busy ${Math.round(median(relayed.map((x) => x.elu)) * 100)}% of the time; CPU per ` +
      `alert (process.cpuUsage): relay ${median(relayed.map((x) => x.cpuPerAlert)).toFixed(1)} µs ` +
      `(receiver and ${k} gRPC subscriber(s)), receiver alone ` +
      `${median(baseline.map((x) => x.cpuPerAlert)).toFixed(1)} µs`,
  );
  row(
    `http_output path, ${k} subscriber(s), alerts/s each (${N} alerts)`,
    `${Math.round(each)} = ${ratio.toFixed(2)}x`,
    `${Math.round(base)} into the receiver directly`,
    `>= ${target}x`,
    ratio >= target,
  );
}

// 1b. The same with in-process subscribers (relay.subscribe() in the relay's process): the
// relay's own fan-out, without the gRPC subscribers' processes on the same cores.
async function httpLocal(k, count) {
  await httpRelay.ask({ type: "local-attach", k, count });
  const posted = await poster.ask({ type: "post", url: httpRelay.url, count });
  const { times } = await httpRelay.ask({ type: "local-wait" });
  return { each: perSecond(count, Math.max(...times)), answers: perSecond(count, posted.ms) };
}
for (const k of [1, 10]) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) runs.push(await httpLocal(k, N));
  console.log(
    `  http_output path, ${k} in-process subscriber(s) of the relay (no gRPC hop): ` +
      `${Math.round(median(runs.map((x) => x.each)))} alerts/s each; Falco's answers/s ` +
      `${Math.round(median(runs.map((x) => x.answers)))}`,
  );
}

// 2. From the C++ benchmark server: 10 subscribers, a backlog of N.
async function cppRelayed(k, count) {
  const cpu0 = await cpuOf(grpcRelay);
  const { times, subscribersCpu } = await withSubscribers(
    grpcRelay,
    grpcRelay.endpoint,
    k,
    count,
    () => cpp.ask(`queue ${count}`),
  );
  const cpu = (await cpuOf(grpcRelay)) - cpu0;
  return {
    each: perSecond(count, Math.max(...times)),
    relayCpu: cpu / 10 / Math.max(...times),
    cpuPerAlert: cpu / count,
    subscribersCpu,
  };
}
async function cppDirect(count) {
  const client = createFalcoClient({ endpoint: cppAlone.endpoint });
  const sub = client.subscribe();
  const it = sub[Symbol.asyncIterator]();
  // Connected once a version call answers; then the backlog.
  await client.version();
  const t0 = performance.now();
  await cppAlone.ask(`queue ${count}`);
  for (let got = 0; got < count; got++) await it.next();
  const ms = performance.now() - t0;
  await client.close();
  return perSecond(count, ms);
}
await cppRelayed(1, Math.min(N, 2000));
{
  const relayed = [];
  const baseline = [];
  for (let r = 0; r < ROUNDS; r++) {
    baseline.push(await cppDirect(N));
    relayed.push(await cppRelayed(10, N));
  }
  const each = median(relayed.map((x) => x.each));
  console.log(
    `  C++ server, 10 subscribers: relay process CPU ` +
      `${Math.round(median(relayed.map((x) => x.relayCpu)))}%, subscribers' process ` +
      `${Math.round(median(relayed.map((x) => x.subscribersCpu)))}% of a core; relay CPU per alert ` +
      `${median(relayed.map((x) => x.cpuPerAlert)).toFixed(1)} µs (gRPC source and 10 subscribers)`,
  );
  row(
    `C++ benchmark server, 10 subscribers, alerts/s each (${N} alerts)`,
    `${Math.round(each)}`,
    `${Math.round(median(baseline))} for 1 SDK subscriber reading the server directly`,
    ">= 20000",
    each >= 20_000,
  );
}

// 3. Latency at 1,000 alerts/s.
const count = Math.floor((RATE_MS / 1000) * RATE);
const directLatency = await (async () => {
  const samples = direct.ask({ type: "latency", count });
  await poster.ask({ type: "rate", url: direct.url, ratePerSecond: RATE, durationMs: RATE_MS });
  return (await samples).samples;
})();
for (const k of [1, 10]) {
  const samples = [];
  await withSubscribers(
    httpRelay,
    httpRelay.endpoint,
    k,
    count,
    () =>
      poster.ask({ type: "rate", url: httpRelay.url, ratePerSecond: RATE, durationMs: RATE_MS }),
    {
      onAlert: (alert) => samples.push(Number(nowNs() - alert.timeNs) / 1e6),
      pollIntervalMs: LATENCY_POLL_MS,
    },
  );
  const added = pct(samples, 99) - pct(directLatency, 99);
  console.log(
    `  latency at ${RATE} alerts/s, ${k} subscriber(s) polling every ${LATENCY_POLL_MS} ms: ` +
      `p50 ${pct(samples, 50).toFixed(2)} ms, p99 ${pct(samples, 99).toFixed(2)} ms; direct p50 ` +
      `${pct(directLatency, 50).toFixed(2)} ms, p99 ${pct(directLatency, 99).toFixed(2)} ms`,
  );
  row(
    `latency added by the relay at ${RATE} alerts/s, ${k} subscriber(s), p99`,
    `${added.toFixed(2)} ms`,
    `direct p99 ${pct(directLatency, 99).toFixed(2)} ms`,
    "< 5 ms",
    added < 5,
  );
}

const { stats } = await httpRelay.ask({ type: "stats" });
console.log(`http relay counters: ${JSON.stringify(stats)}`);
console.log();
console.table(rows);
poster.stop();
direct.stop();
httpRelay.stop();
grpcRelay.stop();
await cpp.stop();
await cppAlone.stop();
rmSync(dir, { recursive: true, force: true });
process.exit(0); // the SDK clients' timers would keep the process a while
