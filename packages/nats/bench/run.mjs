// pnpm bench (in packages/nats): @falco-sdk/nats against a plain @nats-io/jetstream publish
// loop (what one writes by hand), in the same run, on a local nats-server (JetStream, file store):
//   1. alerts/s forwarded with acks (BENCH_ALERTS, default 20000), and CPU time per alert,
//      with the spool on disk (fsynced, and not) and off (in memory);
//   2. end-to-end latency Falco -> consumer, p50/p99, at BENCH_RATE alerts/s (default 500)
//      for BENCH_SECONDS (default 10);
//   3. forwarder RSS while NATS is down for BENCH_OUTAGE_SECONDS (default 60) under load
//      (BENCH_OUTAGE_RATE alerts/s, default 500), and what reached the stream afterwards.
// BENCH_QUICK=1 (the short mode CI runs, `pnpm bench:short` at the root) runs every phase
// with few alerts and a 1 s outage, in seconds: it proves the benchmark runs, its figures
// mean little.
import { fork } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFalcoClient, formatAlertJson, parseAlertJson } from "@falco-sdk/client";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import { startNatsServer } from "@falco-sdk/testing/nats";
import { createFalcoTestServer } from "@falco-sdk/testing/servers";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { alertMessageId, createNatsForwarder, subscribeFleet } from "../dist/index.js";
// The baseline publishes on the forwarder's subjects: an internal module of this package.
import { alertSubject } from "../dist/subject.js";

const quick = process.env.BENCH_QUICK === "1";
const ALERTS = Number(process.env.BENCH_ALERTS ?? (quick ? 1_000 : 20_000));
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? (quick ? 1 : 10));
const OUTAGE = Number(process.env.BENCH_OUTAGE_SECONDS ?? (quick ? 1 : 60));
const OUTAGE_RATE = Number(process.env.BENCH_OUTAGE_RATE ?? 500);
/** Seconds of load before the outage and after NATS is back. */
const AROUND = quick ? 0.5 : 2;

const nats = await startNatsServer();
const nc = await connect({ servers: nats.url });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
const tmp = mkdtempSync(join(tmpdir(), "falco-nats-bench-"));

function toAlert(init, hostname) {
  const ns = init.time.seconds * 1_000_000_000n + BigInt(init.time.nanos);
  const s = ns / 1_000_000_000n;
  const time = `${new Date(Number(s) * 1000).toISOString().slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}Z`;
  return parseAlertJson({
    hostname,
    output: init.output,
    output_fields: init.outputFields,
    priority: [
      "Emergency",
      "Alert",
      "Critical",
      "Error",
      "Warning",
      "Notice",
      "Informational",
      "Debug",
    ][init.priority ?? 4],
    rule: init.rule,
    source: init.source,
    tags: init.tags,
    time,
  });
}

async function stream(name, prefix) {
  await jsm.streams.add({ name, subjects: [`${prefix}.>`], duplicate_window: 120_000_000_000 });
}

// 1. Throughput with acks: the forwarder in memory (spool off), with its spool on disk
// (fsynced, the default, and not), and the plain loop. Alerts/s and CPU time per alert
// (process.cpuUsage: user + system of this process, which runs nats.js and SQLite; the
// machine is shared, so CPU time compares better than wall time).
async function throughput() {
  const make = (host) =>
    createAlertGenerator({ hostname: host, seed: 5 })
      .take(ALERTS)
      .map((a) => toAlert(a, host));
  await stream("BASE", "base");
  const forwarders = {
    sdk: createNatsForwarder({ servers: nats.url, maxBacklog: ALERTS }),
    spool: createNatsForwarder({
      servers: nats.url,
      maxBacklog: ALERTS,
      spool: { directory: join(tmp, "spool-durable") },
    }),
    spoolNoFsync: createNatsForwarder({
      servers: nats.url,
      maxBacklog: ALERTS,
      spool: { directory: join(tmp, "spool-nofsync"), durable: false },
    }),
  };
  for (const forwarder of Object.values(forwarders)) {
    const ready = forwarder.status()[Symbol.asyncIterator]();
    void forwarder.forward((async function* () {})());
    for (;;) if ((await ready.next()).value?.type === "ready") break;
  }
  const rounds = { baseline: [], sdk: [], spool: [], spoolNoFsync: [] };
  const cpu = { baseline: [], sdk: [], spool: [], spoolNoFsync: [] };
  const measure = async (kind, run) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const used = process.cpuUsage(c0);
    rounds[kind].push(ALERTS / ((performance.now() - t0) / 1000));
    cpu[kind].push((used.user + used.system) / ALERTS);
  };
  // Two rounds each, alternating, so no side gains from running later.
  for (let round = 0; round < 2; round++) {
    const base = make(`base-${round}`);
    await measure("baseline", async () => {
      for (const alert of base) {
        await js.publish(alertSubject("base", alert), formatAlertJson(alert), {
          msgID: alertMessageId(alert),
        });
      }
    });
    for (const [kind, forwarder] of Object.entries(forwarders)) {
      const ours = make(`${kind}-${round}`);
      const before = forwarder.stats().published;
      await measure(kind, () =>
        forwarder.forward(
          (async function* () {
            yield* ours;
          })(),
        ),
      );
      if (forwarder.stats().published - before !== ALERTS) throw new Error("not all published");
    }
  }
  for (const forwarder of Object.values(forwarders)) await forwarder.close();
  return { rounds, cpu };
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// 2. Latency Falco -> consumer: emit at RATE, timestamp each alert by its output.
async function latency(kind) {
  const server = await createFalcoTestServer({ listen: { socketPath: join(tmp, `${kind}.sock`) } });
  const client = createFalcoClient({ endpoint: server.endpoint });
  const generator = createAlertGenerator({ hostname: `lat-${kind}`, seed: 9 });
  const emitted = new Map();
  const latencies = [];
  const total = RATE * SECONDS;
  const stop = new AbortController();
  let consume;
  if (kind === "sdk") {
    const forwarder = createNatsForwarder({
      servers: nats.url,
      stream: { name: "LAT_SDK" },
      subjectPrefix: "latsdk",
    });
    const ready = (async () => {
      for await (const e of forwarder.status()) if (e.type === "ready") return;
    })();
    void forwarder.forward(client.subscribe(), { signal: stop.signal });
    await ready; // the stream exists
    consume = (async () => {
      const sub = subscribeFleet({
        servers: nats.url,
        stream: "LAT_SDK",
        subjectPrefix: "latsdk",
        start: "all",
      });
      for await (const alert of sub) {
        latencies.push(performance.now() - emitted.get(alert.output));
        if (latencies.length >= total) break;
      }
      await forwarder.close();
    })();
  } else {
    await stream("LAT_BASE", "latbase");
    void (async () => {
      for await (const alert of client.subscribe({ signal: stop.signal })) {
        await js
          .publish(alertSubject("latbase", alert), formatAlertJson(alert), {
            msgID: alertMessageId(alert),
          })
          .catch(() => {});
      }
    })();
    const info = await jsm.consumers.add("LAT_BASE", {
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
    const messages = await (await js.consumers.get("LAT_BASE", info.name)).consume();
    consume = (async () => {
      for await (const msg of messages) {
        const alert = parseAlertJson(msg.string());
        msg.ack();
        latencies.push(performance.now() - emitted.get(alert.output));
        if (latencies.length >= total) break;
      }
    })();
  }
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const at = start + (i * 1000) / RATE;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const init = { ...generator.next(), output: `${kind}-${i}` };
    emitted.set(init.output, performance.now());
    await server.emit(init);
  }
  await consume;
  stop.abort();
  await client.close();
  await server.stop({ timeoutMs: 1000 }).catch(() => {});
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), n: latencies.length };
}

// 3. RSS while NATS is down under load.
async function outage(kind) {
  const server = await createFalcoTestServer({
    listen: { socketPath: join(tmp, `out-${kind}.sock`) },
  });
  const generator = createAlertGenerator({ hostname: `out-${kind}`, seed: 11 });
  if (kind === "baseline") {
    const admin = await connect({ servers: nats.url });
    await (await jetstreamManager(admin)).streams.add({ name: "OUTAGE", subjects: ["outage.>"] });
    await admin.close();
  }
  const child = fork(fileURLToPath(new URL("outage-process.mjs", import.meta.url)), [
    kind,
    server.endpoint,
    nats.url,
  ]);
  // A child that exits before it answers fails the benchmark instead of hanging it.
  let exited;
  const died = new Promise((_, reject) => {
    exited = (code, signal) =>
      reject(new Error(`outage-process.mjs (${kind}) exited (${signal ?? code}) before answering`));
    child.once("exit", exited);
  });
  const answer = () => Promise.race([new Promise((r) => child.once("message", r)), died]);
  await answer();
  const ask = () => {
    const reply = answer();
    child.send("stats");
    return reply;
  };
  let emitted = 0;
  const emitFor = async (seconds) => {
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) {
      await server.emit(generator.take(OUTAGE_RATE / 10));
      emitted += OUTAGE_RATE / 10;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await emitFor(AROUND);
  const before = await ask();
  await nats.stop();
  let maxRss = 0;
  let maxQueuedInFalco = 0;
  const step = Math.min(5, OUTAGE);
  for (let s = 0; s < OUTAGE; s += step) {
    await emitFor(step);
    maxRss = Math.max(maxRss, (await ask()).rss);
    maxQueuedInFalco = Math.max(maxQueuedInFalco, (await server.stats()).queued);
  }
  await nats.restart();
  await emitFor(AROUND);
  // Let it catch up (up to 60 s): until Falco's queue and the backlog are empty and the
  // published count has stopped moving.
  let after = await ask();
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = await ask();
    const settled =
      now.published === after.published &&
      (now.backlog ?? 0) === 0 &&
      (await server.stats()).queued === 0;
    after = now;
    if (settled) break;
  }
  child.off("exit", exited);
  died.catch(() => {});
  child.kill();
  await server.stop({ timeoutMs: 1000 }).catch(() => {});
  const nc2 = await connect({ servers: nats.url });
  const inStream = (await (await jetstreamManager(nc2)).streams.info("OUTAGE")).state.messages;
  await (await jetstreamManager(nc2)).streams.delete("OUTAGE");
  await nc2.close();
  return {
    rssBeforeMiB: before.rss / 2 ** 20,
    maxRssMiB: maxRss / 2 ** 20,
    emitted,
    inStream,
    maxQueuedInFalco,
    after,
  };
}

const mib = (n) => n.toFixed(1);
const t = await throughput();
const fmt = (xs) => xs.map((x) => Math.round(x)).join(", ");
const us = (xs) => xs.map((x) => x.toFixed(0)).join(", ");
const row = (label, kind) =>
  `  ${label.padEnd(34)}${fmt(t.rounds[kind])} alerts/s, ${us(t.cpu[kind])} us CPU/alert`;
console.log(`throughput with acks (${ALERTS} alerts per round, each publish awaited):`);
console.log(row("forwarder, spool (fsync)", "spool"));
console.log(row("forwarder, spool durable: false", "spoolNoFsync"));
console.log(row("forwarder, no spool (in memory)", "sdk"));
console.log(`${row("plain js.publish loop", "baseline")} (baseline)`);
const ls = await latency("sdk");
const lb = await latency("baseline");
console.log(
  `latency Falco -> consumer at ${RATE} alerts/s for ${SECONDS} s (client polls every 100 ms):`,
);
console.log(
  `  forwarder + subscribeFleet  p50 ${ls.p50.toFixed(1)} ms  p99 ${ls.p99.toFixed(1)} ms  (${ls.n} alerts)`,
);
console.log(
  `  plain publish + consume     p50 ${lb.p50.toFixed(1)} ms  p99 ${lb.p99.toFixed(1)} ms  (${lb.n} alerts, baseline)`,
);
await nc.close();
const OUTAGE_KINDS = {
  forwarder: "forwarder (whenBacklogFull: drop-oldest, maxBacklog 10000)",
  "forwarder-wait": 'forwarder (whenBacklogFull: "wait")',
  baseline: "plain js.publish loop (baseline)",
};
for (const [kind, label] of Object.entries(OUTAGE_KINDS)) {
  const o = await outage(kind);
  console.log(`NATS down ${OUTAGE} s at ${OUTAGE_RATE} alerts/s, ${label}:`);
  console.log(
    `  RSS ${mib(o.rssBeforeMiB)} MiB before, max ${mib(o.maxRssMiB)} MiB during the outage`,
  );
  console.log(
    `  ${o.emitted} alerts raised, ${o.inStream} in the stream after, ${o.maxQueuedInFalco} at most queued in Falco; ` +
      `counters ${JSON.stringify({ ...o.after, rss: undefined })}`,
  );
}
await nats[Symbol.asyncDispose]();
