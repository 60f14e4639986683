// pnpm bench (in packages/client): @falco-sdk/client against plain @grpc/grpc-js
// clients, on the same server, in one run. The server is a gRPC C++ server with
// Falco's output semantics (falco-server-cpp/, built once from Debian's gRPC C++
// by its build.sh), in its own process, so it is not the bottleneck and client and
// server CPU are measured apart.
// BENCH_ALERTS (default 200000) sets the backlog size, BENCH_ROUNDS (default 5) how
// many times each throughput reader runs (the median is printed). BENCH_QUICK=1 (the
// short mode CI runs, `pnpm bench:short` at the root) runs every phase with few alerts
// and one round, in seconds: it proves the benchmark runs, its figures mean little.
// BENCH_THROUGHPUT_ONLY=1 runs the throughput phase alone; BENCH_THREADINESS sets the
// server's threadiness (Falco's grpc.threadiness; default 0, one thread per CPU).
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createFalcoClient } from "@falco-sdk/client";
import { startCppServer } from "./falco-cpp-server.mjs";
import { createGrpcJsClient, grpcJsGet, grpcJsSub } from "./grpc-js-baseline.mjs";

const quick = process.env.BENCH_QUICK === "1";
const N = Number(process.env.BENCH_ALERTS ?? (quick ? 5_000 : 200_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 5));
const IDLE_MS = quick ? 1_000 : 10_000;
const RATE_MS = quick ? 1_000 : 5_000;
const MILLION = quick ? 20_000 : 1_000_000;
const WARM_UP = Math.min(N, 20_000);
const BATCH = Math.min(MILLION, 100_000);

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
console.log(
  `${new Date().toISOString()} node ${process.version}, ${cpus().length} x ${cpus()[0]?.model}, ` +
    `load average ${load()}`,
);
const dir = mkdtempSync(join(tmpdir(), "falco-bench-"));
const server = await startCppServer(dir);
const ask = (line) => server.ask(line);
const falco = createFalcoClient({ endpoint: server.endpoint });
const grpcJs = createGrpcJsClient(server.socketPath);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const gcRss = () => {
  globalThis.gc?.();
  return process.memoryUsage().rss;
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// 1. Throughput: a backlog of N alerts drained by each reader; alerts/s and client CPU per alert.
async function sdkSubscribeCount(count) {
  let got = 0;
  for await (const _ of falco.subscribe()) if (++got === count) break;
  return got;
}
async function sdkGetCount() {
  let got = 0;
  for await (const _ of falco.get()) got++;
  return got;
}
const subUntil = (count, options) =>
  grpcJsSub(
    grpcJs,
    100,
    (() => {
      let c = 0;
      return () => ++c === count;
    })(),
    undefined,
    options,
  );
const readers = [
  ["subscribe()", "sdkSub", () => sdkSubscribeCount(N)],
  ["get()", "sdkGet", () => sdkGetCount()],
  ["grpc-js sub + protobuf-es fromBinary (baseline)", "baseSub", () => subUntil(N)],
  ["grpc-js get + protobuf-es fromBinary", "baseGet", () => grpcJsGet(grpcJs)],
  ["grpc-js sub, no decoding (ceiling)", "rawSub", () => subUntil(N, { decode: false })],
  ["grpc-js get, no decoding", "rawGet", () => grpcJsGet(grpcJs, () => {}, { decode: false })],
];
// A call cancelled by its client may still hold a request the server has not seen
// cancelled: alerts queued then could be popped for it (and lost, as in Falco).
async function quiet() {
  while ((await ask("stats")).calls > 0) await sleep(10);
}
async function measure(read) {
  await quiet();
  await ask(`queue ${N}`);
  globalThis.gc?.();
  const s0 = await ask("cpu");
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const count = await read();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  const s1 = await ask("cpu");
  if (count !== N) throw new Error(`expected ${N} alerts, got ${count}`);
  const serverUs = s1.userUs - s0.userUs + s1.systemUs - s0.systemUs;
  return { rate: (N / ms) * 1000, cpuUs: (c.user + c.system) / N, serverUs: serverUs / N };
}
// Warm-up: connections and JIT, for every reader.
for (const [, , read] of readers) {
  await quiet();
  await ask(`queue ${WARM_UP}`);
  if (read === readers[0][2]) await sdkSubscribeCount(WARM_UP);
  else if (read === readers[2][2]) await subUntil(WARM_UP);
  else if (read === readers[4][2]) await subUntil(WARM_UP, { decode: false });
  else await read();
}
const results = Object.fromEntries(readers.map(([, key]) => [key, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [, key, read] of readers) results[key].push(await measure(read));
}
const figure = {};
console.log(`throughput: drain a backlog of ${N} alerts, median of ${ROUNDS} rounds`);
for (const [name, key] of readers) {
  const rate = Math.round(median(results[key].map((r) => r.rate)));
  const cpuUs = median(results[key].map((r) => r.cpuUs));
  const serverUs = median(results[key].map((r) => r.serverUs));
  figure[key] = { rate, cpuUs };
  console.log(
    `  ${name.padEnd(48)} ${String(rate).padStart(7)} alerts/s  ` +
      `client CPU ${cpuUs.toFixed(2)} us/alert  (server ${serverUs.toFixed(2)} us/alert)`,
  );
}
const ratio = (a, b) => (figure[a].rate / figure[b].rate).toFixed(2);
const cpuRatio = (a, b) => (figure[a].cpuUs / figure[b].cpuUs).toFixed(2);
console.log(
  `  subscribe() / baseline: ${ratio("sdkSub", "baseSub")}x alerts/s, ${cpuRatio("sdkSub", "baseSub")}x CPU per alert`,
);
console.log(
  `  get() / baseline: ${ratio("sdkGet", "baseSub")}x alerts/s, ${cpuRatio("sdkGet", "baseSub")}x CPU per alert` +
    ` (vs grpc-js get + fromBinary: ${ratio("sdkGet", "baseGet")}x)`,
);
console.log(
  `  subscribe() / ceiling: ${ratio("sdkSub", "rawSub")}x; get() / ceiling: ${ratio("sdkGet", "rawSub")}x` +
    ` (vs grpc-js get, no decoding: ${ratio("sdkGet", "rawGet")}x); baseline / ceiling: ${ratio("baseSub", "rawSub")}x`,
);

const row = (what, sdk, baseline, unit) =>
  console.log(`${what}: sdk=${sdk} baseline=${baseline} ${unit}`);

// BENCH_THROUGHPUT_ONLY=1 stops after the throughput figures.
if (process.env.BENCH_THROUGHPUT_ONLY !== "1") {
  // 2. Delivery latency at a steady rate: alert time (stamped by the server as it queues it) to consumer.
  const nowNs = () => BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
  const pct = (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]?.toFixed(1);
  };
  async function latencies(ratePerSecond, reader) {
    const expected = Math.floor((RATE_MS / 1000) * ratePerSecond);
    const samples = [];
    await quiet();
    const done = reader(expected, samples);
    await sleep(200); // the subscription is open before the first alert
    await ask(`rate ${ratePerSecond} ${RATE_MS}`);
    await Promise.race([done, sleep(5000)]);
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
    const s0 = await ask("cpu");
    await subscribeFor(IDLE_MS);
    const c1 = process.cpuUsage(c0);
    const s1 = await ask("cpu");
    const pctOf = (us) => ((100 * us) / 1000 / IDLE_MS).toFixed(2);
    return [pctOf(c1.user + c1.system), pctOf(s1.userUs - s0.userUs + s1.systemUs - s0.systemUs)];
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
  const idle = `${IDLE_MS / 1000} s polling every 100 ms`;
  row(`idle CPU, client, ${idle}`, sdkClientCpu, jsClientCpu, "% of a core");
  row(`idle CPU, server, ${idle}`, sdkServerCpu, jsServerCpu, "% of a core");

  // 4. Memory: RSS before and after a million alerts, and under a slow consumer.
  const before = gcRss();
  for (let done = 0; done < MILLION; done += BATCH) {
    await quiet();
    await ask(`queue ${BATCH}`);
    await sdkSubscribeCount(BATCH);
  }
  const after = gcRss();
  row(`client RSS before / after ${MILLION} alerts`, `${mb(before)} / ${mb(after)}`, "-", "MiB");

  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  await quiet();
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
  await ask(`rate 5000 ${RATE_MS * 2}`);
  await slow;
  clearInterval(sampler);
  const stats = await ask("stats");
  row(
    `slow consumer (1 ms/alert, 5000 alerts/s for ${(RATE_MS * 2) / 1000} s): RSS start / peak`,
    `${mb(slowStart)} / ${mb(peak)}`,
    "-",
    `MiB (consumed ${slowCount}, left in Falco's queue ${stats.queued})`,
  );
}
console.log(`load average at the end: ${load()}`);
await falco.close();
grpcJs.close();
await server.stop();
rmSync(dir, { recursive: true, force: true });
