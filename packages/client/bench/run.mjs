// pnpm bench (in packages/client): @falco-sdk/client against a plain
// @grpc/grpc-js client, on the same server and stream, in one run.
// BENCH_ALERTS (default 200000) sets the throughput size, BENCH_QUICK=1
// shortens every phase (for a smoke run).
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { createFalcoClient } from "@falco-sdk/client";
import { createGrpcJsClient, grpcJsGet, grpcJsSub } from "./grpc-js-baseline.mjs";

const quick = process.env.BENCH_QUICK === "1";
const N = Number(process.env.BENCH_ALERTS ?? (quick ? 20_000 : 200_000));
const IDLE_MS = quick ? 2_000 : 10_000;
const RATE_MS = quick ? 2_000 : 5_000;
const MILLION = quick ? 100_000 : 1_000_000;

const dir = mkdtempSync(join(tmpdir(), "falco-bench-"));
const socketPath = join(dir, "falco.sock");
const serverProc = fork(fileURLToPath(new URL("server-process.mjs", import.meta.url)), [
  socketPath,
]);
let nextId = 0;
const pending = new Map();
serverProc.on("message", (msg) => {
  if (msg.id !== undefined) pending.get(msg.id)?.(msg);
});
const ask = (msg) =>
  new Promise((resolve) => {
    const id = nextId++;
    pending.set(id, resolve);
    serverProc.send({ ...msg, id });
  });
const { endpoint } = await new Promise((resolve) =>
  serverProc.on("message", (m) => m.type === "ready" && resolve(m)),
);

const falco = createFalcoClient({ endpoint });
const grpcJs = createGrpcJsClient(socketPath);
const rows = [];
const row = (what, sdk, baseline, unit) => {
  rows.push({ what, "@falco-sdk/client": sdk, "grpc-js baseline": baseline, unit });
  console.log(`${what}: sdk=${sdk} baseline=${baseline} ${unit}`);
};
const perSecond = (count, ms) => Math.round((count / ms) * 1000);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const gcRss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};

// 1. Throughput: a backlog of N alerts drained by each reader.
async function sdkSubscribeCount(count) {
  let got = 0;
  for await (const _ of falco.subscribe()) if (++got === count) break;
  return got;
}
async function timed(fn) {
  const t0 = performance.now();
  const count = await fn();
  return perSecond(count, performance.now() - t0);
}
await ask({ type: "queue", count: 1000 });
await sdkSubscribeCount(1000); // warm-up: connection and JIT
await ask({ type: "queue", count: N });
const subSdk = await timed(() => sdkSubscribeCount(N));
await ask({ type: "queue", count: N });
const subJs = await timed(() =>
  grpcJsSub(
    grpcJs,
    100,
    (() => {
      let c = 0;
      return () => ++c === N;
    })(),
  ),
);
row(`sub: drain a backlog of ${N}`, subSdk, subJs, "alerts/s");
await ask({ type: "queue", count: N });
const getSdk = await timed(async () => {
  let c = 0;
  for await (const _ of falco.get()) c++;
  return c;
});
await ask({ type: "queue", count: N });
const getJs = await timed(() => grpcJsGet(grpcJs));
row(`get: drain a backlog of ${N}`, getSdk, getJs, "alerts/s");

// 2. Delivery latency at a steady rate: alert time (stamped at emit) to consumer.
const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
const pct = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]?.toFixed(1);
};
async function latencies(ratePerSecond, reader) {
  const expected = Math.floor((RATE_MS / 1000) * ratePerSecond);
  const samples = [];
  const done = reader(expected, samples);
  await ask({ type: "rate", ratePerSecond, durationMs: RATE_MS });
  await Promise.race([done, sleep(RATE_MS + 5000)]);
  if (samples.length < expected) console.log(`  (only ${samples.length} of ${expected} arrived)`);
  return samples;
}
const sdkReader = async (expected, samples) => {
  for await (const alert of falco.subscribe()) {
    samples.push(Number(nowNs() - alert.timeNs) / 1e6);
    if (samples.length >= expected) break;
  }
};
const jsReader = (expected, samples) =>
  grpcJsSub(grpcJs, 100, (msg) => {
    const ns = msg.time.seconds * 1_000_000_000n + BigInt(msg.time.nanos);
    samples.push(Number(nowNs() - ns) / 1e6);
    return samples.length >= expected;
  });
for (const rate of [100, 5000]) {
  const sdk = await latencies(rate, sdkReader);
  const js = await latencies(rate, jsReader);
  row(`latency p50 at ${rate} alerts/s`, pct(sdk, 50), pct(js, 50), "ms");
  row(`latency p99 at ${rate} alerts/s`, pct(sdk, 99), pct(js, 99), "ms");
}

// 3. Idle CPU: a subscriber polling an empty queue for IDLE_MS.
async function idleCpu(subscribeFor) {
  const c0 = process.cpuUsage();
  const s0 = (await ask({ type: "cpu" })).cpu;
  await subscribeFor(IDLE_MS);
  const c1 = process.cpuUsage(c0);
  const s1 = (await ask({ type: "cpu" })).cpu;
  const pctOf = (u, s) => ((100 * (u + s)) / 1000 / IDLE_MS).toFixed(2);
  return [pctOf(c1.user, c1.system), pctOf(s1.user - s0.user, s1.system - s0.system)];
}
const [sdkClientCpu, sdkServerCpu] = await idleCpu(async (ms) => {
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), ms);
  for await (const _ of falco.subscribe({ signal: ac.signal }));
  clearTimeout(t);
});
const [jsClientCpu, jsServerCpu] = await idleCpu((ms) =>
  grpcJsSub(grpcJs, 100, () => false, AbortSignal.timeout(ms)),
);
row(
  `idle CPU, client, ${IDLE_MS / 1000} s polling every 100 ms`,
  sdkClientCpu,
  jsClientCpu,
  "% of a core",
);
row(
  `idle CPU, server, ${IDLE_MS / 1000} s polling every 100 ms`,
  sdkServerCpu,
  jsServerCpu,
  "% of a core",
);

// 4. Memory: RSS before and after a million alerts, and under a slow consumer.
const before = gcRss();
for (let done = 0; done < MILLION; done += 100_000) {
  await ask({ type: "queue", count: 100_000 });
  await sdkSubscribeCount(100_000);
}
const after = gcRss();
row(
  `client RSS before / after ${MILLION} alerts (MiB)`,
  `${mb(before)} / ${mb(after)}`,
  "-",
  "MiB",
);

let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 100);
const slowStart = gcRss();
let slowCount = 0;
const slowEnd = performance.now() + RATE_MS * 2;
const slow = (async () => {
  for await (const _ of falco.subscribe()) {
    slowCount++;
    await sleep(1);
    if (performance.now() > slowEnd) break;
  }
})();
await ask({ type: "rate", ratePerSecond: 5000, durationMs: RATE_MS * 2 });
await slow;
clearInterval(sampler);
const { stats } = await ask({ type: "stats" });
row(
  `slow consumer (1 ms/alert, 5000 alerts/s for ${(RATE_MS * 2) / 1000} s): RSS start / peak`,
  `${mb(slowStart)} / ${mb(peak)}`,
  "-",
  `MiB (consumed ${slowCount}, left in Falco's queue ${stats.queued})`,
);

console.log();
console.table(rows);
await falco.close();
grpcJs.close();
serverProc.disconnect();
rmSync(dir, { recursive: true, force: true });
