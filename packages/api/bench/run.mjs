// pnpm bench: SSE delivery latency (p50, p99, max) of /api/v1/alerts/stream at RATE alerts/s
// to CLIENTS clients, beside a baseline in the same run: a bare node:http SSE writer that
// writes each alert to every client's response (no store, no cursor, no backpressure). The
// clients run in a child process; the latency is from the producer creating the alert (and,
// for the API, appending it to the store) to a client parsing its event. Server CPU is the
// serving process's (process.cpuUsage) per alert, which the machine's load disturbs less.
// Needs a build (dist/). BENCH_QUICK=1 (CI's short mode) runs 2 s instead of 10 s.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { createAlertApiServer } from "../dist/index.js";

const QUICK = process.env.BENCH_QUICK === "1";
const RATE = 1000;
const CLIENTS = 100;
const SECONDS = QUICK ? 2 : 10;
const ALERTS = RATE * SECONDS;
const BATCH_MS = 10; // the relay appends what came in 10 ms at once (its storeBatchMs)
const TARGET_P99_MS = 50;
const now = () => performance.timeOrigin + performance.now();

function alertJson(i) {
  return `{"hostname":"node-${i % 20}","output":"12:00:00.000000000: Warning Shell spawned in a container (user=root n=${i})","output_fields":{"bench.sent_ms":${now()},"evt.num":${9007199254740993n + BigInt(i)},"k8s.ns.name":"ns-${i % 10}","proc.name":"bash","user.name":"root"},"priority":"Warning","rule":"Terminal shell in container","source":"syscall","tags":["container","shell"],"time":"${new Date().toISOString().replace("Z", "000000Z")}"}`;
}

/** Starts the clients, waits until all are connected, then runs `produce`; returns figures. */
async function measure(url, produce) {
  const child = spawn(
    process.execPath,
    [new URL("./sse-clients.mjs", import.meta.url).pathname, url, String(CLIENTS), String(ALERTS)],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const it = lines[Symbol.asyncIterator]();
  if ((await it.next()).value !== "connected") throw new Error("clients did not connect");
  const cpu = process.cpuUsage();
  await produce();
  const result = JSON.parse((await it.next()).value);
  const used = process.cpuUsage(cpu);
  return { ...result, cpuUsPerAlert: (used.user + used.system) / ALERTS };
}

/** RATE alerts/s in batches every BATCH_MS, each batch handed to `emit` (its wall time kept). */
function produce(emit, emitMs = []) {
  return new Promise((resolve) => {
    const perBatch = (RATE * BATCH_MS) / 1000;
    let i = 0;
    const start = now();
    const tick = () => {
      const due = Math.min(ALERTS, Math.floor(((now() - start) / 1000) * RATE) + perBatch);
      const batch = [];
      while (i < due) batch.push(alertJson(i++));
      if (batch.length > 0) {
        const t = now();
        emit(batch);
        emitMs.push(now() - t);
      }
      if (i >= ALERTS) resolve();
      else setTimeout(tick, BATCH_MS);
    };
    tick();
  });
}

async function baseline() {
  const clients = new Set();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/event-stream" });
    res.flushHeaders();
    res.socket.setNoDelay(true);
    clients.add(res);
    res.on("close", () => clients.delete(res));
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  let cursor = 0;
  const result = await measure(`http://127.0.0.1:${server.address().port}/`, () =>
    produce((batch) => {
      let out = "";
      for (const json of batch) out += `id: ${++cursor}\nevent: alert\ndata: ${json}\n\n`;
      for (const res of clients) res.write(out);
    }),
  );
  server.closeAllConnections();
  server.close();
  return result;
}

async function api() {
  const dir = mkdtempSync(join(tmpdir(), "falco-api-bench-"));
  const store = openAlertStore({ directory: dir, durable: false });
  const server = await createAlertApiServer({ store, port: 0 });
  const appendMs = [];
  let appendCpu = 0;
  try {
    const result = await measure(`${server.url}/api/v1/alerts/stream`, () =>
      produce((batch) => {
        const cpu = process.cpuUsage();
        store.append(batch.map((json) => parseAlertJson(json)));
        const used = process.cpuUsage(cpu);
        appendCpu += used.user + used.system;
      }, appendMs),
    );
    appendMs.sort((a, b) => a - b);
    return {
      ...result,
      appendCpuUsPerAlert: appendCpu / ALERTS,
      appendP99Ms: appendMs[Math.floor(appendMs.length * 0.99)],
      batches: appendMs.length,
    };
  } finally {
    await server.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const row = (name, r) =>
  `  ${name.padEnd(52)} p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  max ${r.max.toFixed(1).padStart(7)} ms  server CPU ${r.cpuUsPerAlert.toFixed(0).padStart(5)} µs/alert`;

console.log(
  `SSE delivery, ${RATE} alerts/s for ${SECONDS} s to ${CLIENTS} clients (${ALERTS * CLIENTS} events):`,
);
const base = await baseline();
console.log(row("baseline: bare node:http SSE writer (no store)", base));
const result = await api();
console.log(row("@falco-sdk/api stream (store append + read + fan-out)", result));
console.log(
  `    of which the producer's store.append (parse + insert, blocks the event loop): ${result.appendCpuUsPerAlert.toFixed(0)} µs/alert CPU, p99 ${result.appendP99Ms.toFixed(1)} ms per batch (${result.batches} batches)`,
);
console.log(
  `  target p99 < ${TARGET_P99_MS} ms: ${result.p99 < TARGET_P99_MS ? "met" : "NOT met"}${QUICK ? " (BENCH_QUICK: a short run, figures mean little)" : ""}`,
);
