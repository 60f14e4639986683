// pnpm bench (in packages/relay), second part: the relay with its write-through store
// (createAlertRelay({ store }), `falco-alerts relay --store`) beside the relay without one, in
// one run, rounds interleaved (target of issue 20: >= 0.8x the throughput without the store).
// 1. In-process: a source that hands the relay BENCH_BATCH alerts per event-loop turn (what a
//    gRPC poll or a burst of http_output posts does), one in-process subscriber; alerts/s from
//    the first alert to the subscriber's last, and CPU per alert (process.cpuUsage: user +
//    system of this process, which does nothing else, over the alerts; the machine is shared,
//    so CPU per alert is the figure to compare, wall time is printed beside it).
// 2. Falco 0.44's http_output path: ../../http/bench/falco-poster.mjs posts (one worker, one
//    keep-alive connection, each answer awaited) into a relay process with a store and one
//    without (bench/relay-process.mjs), each read by one in-process subscriber; alerts/s and
//    the relay process's CPU per alert.
// Each with a durable store (an fsync per append) and with durable: false (safe against kill -9,
// not against a power loss), in a fresh directory per round; storeBatchMs is the default (10).
// BENCH_ALERTS (default 50000 in-process, 10000 http), BENCH_ROUNDS (default 5), BENCH_BATCH
// (default 64), BENCH_FLEET (fleet alerts, default 10000), BENCH_FLEET_BUFFER
// (the fleet subscription's maxBufferedAlerts, default the subscription's), BENCH_STORE_BATCH_MS (the relays' storeBatchMs; default the relay's, 10). BENCH_QUICK=1: few alerts, one round (proves it runs; figures mean little).
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNatsForwarder, subscribeFleet } from "@falco-sdk/nats";
import { createAlertRelay } from "@falco-sdk/relay";
import { openAlertStore } from "@falco-sdk/store";
import { startNatsServer } from "@falco-sdk/testing/nats";
import { startHelper } from "../../http/bench/ipc-process.mjs";
import { benchAlerts } from "../../store/bench/alerts.mjs";

const quick = process.env.BENCH_QUICK === "1";
const N = Number(process.env.BENCH_ALERTS ?? (quick ? 5_000 : 50_000));
const HTTP_N = Number(process.env.BENCH_ALERTS ?? (quick ? 1_000 : 10_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 5));
const BATCH = Number(process.env.BENCH_BATCH ?? 64);
const FLEET_N = Number(process.env.BENCH_FLEET ?? (quick ? 1_000 : 10_000));
/** The fleet subscriptions' maxBufferedAlerts (its max_ack_pending is 4x, at least 1000). */
const FLEET_BUFFER = Number(process.env.BENCH_FLEET_BUFFER ?? 0) || undefined;
const TARGET = 0.8;
const here = (name) => fileURLToPath(new URL(name, import.meta.url));

console.log(
  `${new Date().toISOString()} relay with/without store: node ${process.version}, ` +
    `${cpus().length} x ${cpus()[0]?.model}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);
const dir = mkdtempSync(join(tmpdir(), "falco-relay-store-bench-"));
const alerts = [...benchAlerts(N)];
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const cpuMicros = (since) => {
  const { user, system } = process.cpuUsage(since);
  return user + system;
};

/** A source handing `BATCH` alerts per event-loop turn. */
function batchedSource(list) {
  return {
    name: "bench",
    alerts: {
      async *[Symbol.asyncIterator]() {
        for (let i = 0; i < list.length; i++) {
          if (i % BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
          yield list[i];
        }
      },
    },
  };
}

let round = 0;
/** `store`: undefined (no store), "sync" (durable) or "nosync" (durable: false). */
async function inProcess(mode) {
  const withStore = mode !== undefined;
  const store = withStore
    ? openAlertStore({ directory: join(dir, `in-process-${round++}`), durable: mode === "sync" })
    : undefined;
  // The source starts once the subscriber is attached: nothing waits for a first subscriber.
  let open;
  const opened = new Promise((resolve) => {
    open = resolve;
  });
  const source = batchedSource(alerts);
  const gated = {
    name: source.name,
    alerts: {
      async *[Symbol.asyncIterator]() {
        await opened;
        yield* source.alerts;
      },
    },
  };
  const storeBatchMs =
    process.env.BENCH_STORE_BATCH_MS === undefined
      ? {}
      : { storeBatchMs: Number(process.env.BENCH_STORE_BATCH_MS) };
  const live = createAlertRelay({
    sources: [gated],
    maxQueued: N,
    ...(store && { store, ...storeBatchMs }),
  });
  const subscription = live.subscribe();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  open();
  let got = 0;
  for await (const _ of subscription) if (++got === N) break;
  const ms = performance.now() - t0;
  const cpu = cpuMicros(cpu0);
  const stored = live.stats().store?.stored;
  await live.close();
  store?.close();
  if (withStore && stored !== N) throw new Error(`${stored} of ${N} alerts stored`);
  return { rate: (N / ms) * 1000, cpuPerAlert: cpu / N };
}

const rows = [];
function compare(what, plain, stored, unit) {
  const rate = median(stored.map((x) => x.rate));
  const base = median(plain.map((x) => x.rate));
  const cpu = median(stored.map((x) => x.cpuPerAlert));
  const baseCpu = median(plain.map((x) => x.cpuPerAlert));
  const ratio = rate / base;
  const pass = ratio >= TARGET;
  console.log(
    `${what}: with the store ${Math.round(rate)} alerts/s = ${ratio.toFixed(2)}x (baseline: ` +
      `${Math.round(base)} alerts/s without a store; target >= ${TARGET}x: ${pass ? "met" : "NOT met"}); ` +
      `${unit} CPU per alert ${cpu.toFixed(1)} µs with the store, ${baseCpu.toFixed(1)} µs without ` +
      `(${(baseCpu / cpu).toFixed(2)}x)`,
  );
  rows.push({
    what,
    "alerts/s": Math.round(rate),
    "baseline alerts/s": Math.round(base),
    ratio: ratio.toFixed(2),
    "CPU µs/alert": cpu.toFixed(1),
    "baseline CPU µs/alert": baseCpu.toFixed(1),
    target: `>= ${TARGET}x`,
    pass: pass ? "yes" : "NO",
  });
}

// 1. In-process.
await inProcess(undefined); // warm-up: JIT
await inProcess("sync");
{
  const plain = [];
  const sync = [];
  const nosync = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await inProcess(undefined));
    sync.push(await inProcess("sync"));
    nosync.push(await inProcess("nosync"));
  }
  const what = `in-process, ${BATCH} alerts per turn, 1 subscriber (${N} alerts)`;
  compare(`${what}, durable store`, plain, sync, "process");
  compare(`${what}, store durable: false`, plain, nosync, "process");
}

// 2. The http_output path, relay processes with and without a store.
const poster = await startHelper(here("../../http/bench/falco-poster.mjs"));
async function httpRound(helper, count) {
  const cpu0 = (await helper.ask({ type: "stats" })).cpu;
  await helper.ask({ type: "local-attach", k: 1, count });
  const posted = await poster.ask({ type: "post", url: helper.url, count });
  const { times } = await helper.ask({ type: "local-wait" });
  const cpu = (await helper.ask({ type: "stats" })).cpu - cpu0;
  const ms = Math.max(posted.ms, ...times);
  return { rate: (count / ms) * 1000, cpuPerAlert: cpu / count };
}
{
  const plainRelay = await startHelper(here("relay-process.mjs"), ["http", join(dir, "p.sock")]);
  const syncRelay = await startHelper(here("relay-process.mjs"), [
    "http-store",
    join(dir, "http-store"),
    join(dir, "s.sock"),
  ]);
  const nosyncRelay = await startHelper(here("relay-process.mjs"), [
    "http-store-nosync",
    join(dir, "http-store-nosync"),
    join(dir, "n.sock"),
  ]);
  const journalRelay = await startHelper(here("relay-process.mjs"), [
    "http-store-journal",
    join(dir, "http-store-journal"),
    join(dir, "j.sock"),
  ]);
  for (const helper of [plainRelay, syncRelay, nosyncRelay, journalRelay]) {
    await httpRound(helper, Math.min(HTTP_N, 1000)); // warm-up
  }
  const plain = [];
  const sync = [];
  const nosync = [];
  const journal = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await httpRound(plainRelay, HTTP_N));
    sync.push(await httpRound(syncRelay, HTTP_N));
    nosync.push(await httpRound(nosyncRelay, HTTP_N));
    journal.push(await httpRound(journalRelay, HTTP_N));
  }
  const what = `http_output path (one poster, each answer awaited), 1 in-process subscriber (${HTTP_N} alerts)`;
  compare(`${what}, durable store`, plain, sync, "relay process");
  compare(`${what}, store durable: false`, plain, nosync, "relay process");
  compare(`${what}, durable store + intake journal`, plain, journal, "relay process");
  compare(
    `${what}, the journal's cost (durable store without -> with)`,
    sync,
    journal,
    "relay process",
  );
  for (const [name, helper] of [
    ["durable", syncRelay],
    ["durable: false", nosyncRelay],
    ["durable + journal", journalRelay],
  ]) {
    const { stats } = await helper.ask({ type: "stats" });
    console.log(`relay with a ${name} store, counters: ${JSON.stringify(stats)}`);
  }
  plainRelay.stop();
  syncRelay.stop();
  nosyncRelay.stop();
  journalRelay.stop();
}
poster.stop();

// 3. The fleet's stream.
let nats;
try {
  nats = await startNatsServer();
} catch (error) {
  console.log(`fleet phase skipped: no nats-server (${error.message})`);
}
if (nats) {
  const fleetAlerts = FLEET_N <= N ? alerts.slice(0, FLEET_N) : [...benchAlerts(FLEET_N)];
  const forwarder = createNatsForwarder({ servers: [nats.url] });
  await forwarder.forward(
    (async function* () {
      yield* fleetAlerts;
    })(),
  );
  await forwarder.close();
  let consumer = 0;
  /** Reads the whole stream through a new durable; `mode` as for inProcess. */
  async function fleetRound(mode) {
    const store =
      mode === undefined
        ? undefined
        : openAlertStore({ directory: join(dir, `fleet-${round++}`), durable: mode === "sync" });
    let relay;
    const subscription = subscribeFleet({
      servers: [nats.url],
      durable: `bench-${consumer++}`,
      start: "all",
      ...(FLEET_BUFFER && { maxBufferedAlerts: FLEET_BUFFER }),
      ...(store && { ackAfter: () => relay.whenStored() }),
    });
    relay = createAlertRelay({
      sources: [{ name: "fleet", alerts: subscription }],
      maxQueued: FLEET_N,
      ...(store && { store }),
    });
    const local = relay.subscribe();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let got = 0;
    for await (const _ of local) if (++got === FLEET_N) break;
    const ms = performance.now() - t0;
    const cpu = cpuMicros(cpu0);
    await relay.close();
    store?.close();
    return { rate: (FLEET_N / ms) * 1000, cpuPerAlert: cpu / FLEET_N };
  }
  await fleetRound(undefined); // warm-up
  const plain = [];
  const sync = [];
  const nosync = [];
  for (let r = 0; r < ROUNDS; r++) {
    plain.push(await fleetRound(undefined));
    sync.push(await fleetRound("sync"));
    nosync.push(await fleetRound("nosync"));
  }
  const what = `fleet stream (NATS JetStream, durable consumer), 1 in-process subscriber (${FLEET_N} alerts)`;
  compare(`${what}, durable store`, plain, sync, "process (relay and NATS client)");
  compare(`${what}, store durable: false`, plain, nosync, "process (relay and NATS client)");
  await nats[Symbol.asyncDispose]();
}
console.log();
console.table(rows);
rmSync(dir, { recursive: true, force: true });
process.exit(0);
