// pnpm bench (in packages/relay): alerts through @falco-sdk/relay with 1 and
// 10 subscribers, against the same subscribers reading the upstream Falco
// directly (what users do without a relay), in one run. Upstream, relay and
// subscribers are three processes. BENCH_ALERTS (default 50000) sets the
// backlog size. BENCH_QUICK=1 (the short mode CI runs, `pnpm bench:short` at the
// root) runs every phase with few alerts, in seconds: it proves the benchmark runs,
// its figures mean little.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createFalcoClient } from "@falco-sdk/client";

const quick = process.env.BENCH_QUICK === "1";
const N = Number(process.env.BENCH_ALERTS ?? (quick ? 1_000 : 50_000));
const RATE_MS = quick ? 1_000 : 5_000;
const RATE = 1000;

const dir = mkdtempSync(join(tmpdir(), "falco-relay-bench-"));

/** A forked helper process answering {id}-tagged requests. */
async function helper(script, args) {
  const child = fork(script, args);
  // A helper that fails ends the benchmark (its requests would wait forever).
  child.on("exit", (code, signal) => {
    if (code === 0) return;
    console.error(`${script} exited (${signal ?? `code ${code}`}); the benchmark cannot go on`);
    process.exit(1);
  });
  let nextId = 0;
  const pending = new Map();
  child.on("message", (msg) => {
    if (msg.id !== undefined) pending.get(msg.id)?.(msg);
  });
  const ready = await new Promise((resolve) =>
    child.on("message", (m) => m.type === "ready" && resolve(m)),
  );
  const ask = (msg) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ ...msg, id });
    });
  return { child, ask, endpoint: ready.endpoint };
}

// The upstream Falco (bench/falco-process.mjs: @falco-sdk/testing's server in its own
// process), twice: Falco's queue is shared and destructive, so the relay reads one and the direct
// subscribers the other (alerts the relay takes would be missing from the baseline).
const falcoScript = fileURLToPath(new URL("falco-process.mjs", import.meta.url));
const relayed = await helper(falcoScript, [join(dir, "falco-relayed.sock")]);
const direct = await helper(falcoScript, [join(dir, "falco-direct.sock")]);
const relay = await helper(fileURLToPath(new URL("relay-process.mjs", import.meta.url)), [
  relayed.endpoint,
  join(dir, "relay.sock"),
  // maxQueued: room for a whole phase (a drop would leave a subscriber waiting forever).
  String(Math.max(N, (RATE * RATE_MS) / 1000)),
]);
/** The path of each measurement: subscribers' endpoint and the Falco that emits. */
const paths = {
  relay: { endpoint: relay.endpoint, falco: relayed },
  direct: { endpoint: direct.endpoint, falco: direct },
};

const rows = [];
const row = (what, viaRelay, direct, unit) => {
  rows.push({ what, "through the relay": viaRelay, "direct to Falco (baseline)": direct, unit });
  console.log(`${what}: relay=${viaRelay} direct=${direct} ${unit}`);
};
const perSecond = (count, ms) => Math.round((count / ms) * 1000);
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]?.toFixed(1);
};

/**
 * `count` SDK subscribers of `endpoint`, each calling `onAlert(i, alert)` until it returns
 * true ("this one is done") or "all" (every subscriber is done).
 */
async function subscribers(endpoint, count, onAlert, startSignal) {
  const clients = Array.from({ length: count }, () => createFalcoClient({ endpoint }));
  const all = new AbortController();
  const done = clients.map(async (client, i) => {
    for await (const alert of client.subscribe({ signal: all.signal })) {
      const verdict = onAlert(i, alert);
      if (verdict === "all") all.abort();
      if (verdict) break;
    }
  });
  await startSignal(); // subscriptions open before the alerts are queued
  await Promise.all(done);
  await Promise.all(clients.map((c) => c.close()));
}

/** Lets the subscriptions connect before alerts are queued (a backlog would go to the first). */
const settle = () => sleep(500);

// 1. Throughput: a backlog of N alerts. Direct: k subscribers share Falco's one queue
// (each alert reaches ONE of them). Relay: every subscriber gets all N.
async function throughput(path, k) {
  const viaRelay = path === paths.relay;
  const { endpoint, falco } = path;
  const got = new Array(k).fill(0);
  let total = 0;
  const target = viaRelay ? N * k : N;
  let t0 = 0;
  let resolveDone;
  const allDone = new Promise((resolve) => {
    resolveDone = resolve;
  });
  await subscribers(
    endpoint,
    k,
    (i) => {
      got[i]++;
      total++;
      if (total === target) resolveDone();
      return viaRelay ? got[i] === N : total >= target && "all";
    },
    async () => {
      await settle();
      t0 = performance.now();
      await falco.ask({ type: "queue", count: N });
      await allDone;
    },
  );
  return perSecond(N, performance.now() - t0);
}

// Warm-up (connections, JIT) on both paths.
await throughput(paths.relay, 1);
await throughput(paths.direct, 1);
/** CPU (% of one core) of the relay process and of the subscribers' process during `fn`. */
async function cpuDuring(fn) {
  const r0 = (await relay.ask({ type: "stats" })).cpu;
  const m0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const r1 = (await relay.ask({ type: "stats" })).cpu;
  const m1 = process.cpuUsage(m0);
  const pctOf = (us) => Math.round(us / 10 / ms);
  return {
    result,
    cpu: `relay ${pctOf(r1.user - r0.user + r1.system - r0.system)}%, subscribers ${pctOf(m1.user + m1.system)}%`,
  };
}

for (const k of [1, 10]) {
  const { result: viaRelay, cpu } = await cpuDuring(() => throughput(paths.relay, k));
  console.log(`  CPU during the relay run with ${k} subscriber(s): ${cpu} of a core`);
  const baseline = await throughput(paths.direct, k);
  row(`${k} subscriber(s), backlog of ${N}: alerts/s`, viaRelay, baseline, "alerts/s");
  // Relay: every subscriber gets every alert; direct: Falco's one queue splits them.
  row(
    `${k} subscriber(s), backlog of ${N}: messages delivered/s`,
    viaRelay * k,
    baseline,
    "msgs/s",
  );
}

// 2. Latency at a steady rate: emission time (stamped by the upstream) to receipt.
async function latency(path, k) {
  const viaRelay = path === paths.relay;
  const { endpoint, falco } = path;
  const expected = Math.floor((RATE_MS / 1000) * RATE);
  const samples = [];
  const got = new Array(k).fill(0);
  let total = 0;
  await subscribers(
    endpoint,
    k,
    (i, alert) => {
      samples.push(Number(nowNs() - alert.timeNs) / 1e6);
      got[i]++;
      total++;
      return viaRelay ? got[i] >= expected : total >= expected && "all";
    },
    async () => {
      await settle();
      await falco.ask({ type: "rate", ratePerSecond: RATE, durationMs: RATE_MS });
    },
  );
  return samples;
}
for (const k of [1, 10]) {
  const { result: viaRelay, cpu } = await cpuDuring(() => latency(paths.relay, k));
  console.log(`  CPU during the relay run with ${k} subscriber(s): ${cpu} of a core`);
  const baseline = await latency(paths.direct, k);
  row(
    `${k} subscriber(s), latency p50 at ${RATE} alerts/s`,
    pct(viaRelay, 50),
    pct(baseline, 50),
    "ms",
  );
  row(
    `${k} subscriber(s), latency p99 at ${RATE} alerts/s`,
    pct(viaRelay, 99),
    pct(baseline, 99),
    "ms",
  );
  row(
    `${k} subscriber(s), latency added by the relay p50 / p99`,
    `${(Number(pct(viaRelay, 50)) - Number(pct(baseline, 50))).toFixed(1)} / ${(Number(pct(viaRelay, 99)) - Number(pct(baseline, 99))).toFixed(1)}`,
    "-",
    "ms",
  );
}
const { stats } = await relay.ask({ type: "stats" });
console.log(`relay counters: ${JSON.stringify(stats)}`);

console.log();
console.table(rows);
relay.child.disconnect();
relayed.child.disconnect();
direct.child.disconnect();
rmSync(dir, { recursive: true, force: true });
