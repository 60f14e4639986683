// pnpm bench: the client's CPU time per alert following /api/v1/alerts/stream, beside a
// baseline in the same run: a bare node:http reader of the same stream that only splits the
// events and parses each alert's JSON with core's parseAlertJson (no SSE library, no queue,
// no subscription, no cursor). Then the client again with a cursorFile (one atomic write and
// rename per alert), and with cursorSaveIntervalMs: 1000 (a save a second in a burst). The server (@falco-sdk/api on a store of ALERTS alerts) runs in a child
// process, so the figures are the client's own (process.cpuUsage, less disturbed by the
// machine's load than wall-clock time, which is printed too). Needs a build (dist/).
// BENCH_QUICK=1 (CI's short mode) reads 2,000 alerts instead of 50,000.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { parseAlertJson } from "@falco-sdk/core";
import { createAlertStreamClient } from "../dist/index.js";

const QUICK = process.env.BENCH_QUICK === "1";
const ALERTS = QUICK ? 2_000 : 50_000;
const dir = mkdtempSync(join(tmpdir(), "api-client-bench-"));

/** The server in a child process; resolves with its URL once the store is filled. */
async function startServer() {
  const child = spawn(
    process.execPath,
    [new URL("./server.mjs", import.meta.url).pathname, join(dir, "store"), String(ALERTS)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the bench server exited (${code})`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

/** Runs `read` and returns its CPU µs per alert and its alerts per second (wall clock). */
async function measure(read) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const count = await read();
  const used = process.cpuUsage(cpu);
  const seconds = (performance.now() - start) / 1000;
  if (count !== ALERTS) throw new Error(`read ${count} alerts, not ${ALERTS}`);
  return { cpuUsPerAlert: (used.user + used.system) / count, perSecond: count / seconds };
}

/** Baseline: the stream read with node:http, events split by hand, alerts parsed. */
function bare(url) {
  return new Promise((resolve, reject) => {
    let count = 0;
    let buffered = "";
    const req = request(`${url}/api/v1/alerts/stream?after=0`, (res) => {
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        buffered += chunk;
        let at = buffered.indexOf("\n\n");
        while (at >= 0) {
          const block = buffered.slice(0, at);
          buffered = buffered.slice(at + 2);
          const data = block.indexOf("\ndata: ");
          if (block.includes("event: alert") && data >= 0) {
            parseAlertJson(block.slice(data + 7));
            if (++count === ALERTS) {
              req.destroy();
              resolve(count);
              return;
            }
          }
          at = buffered.indexOf("\n\n");
        }
      });
    });
    req.on("error", (error) => {
      if (count !== ALERTS) reject(error);
    });
    req.end();
  });
}

/** The client: `for await` over `subscribe({ resumeFrom: 0 })`. */
async function client(url, cursorFile, cursorSaveIntervalMs) {
  const subscription = createAlertStreamClient({ url }).subscribe({
    resumeFrom: 0,
    ...(cursorFile && { cursorFile }),
    ...(cursorSaveIntervalMs !== undefined && { cursorSaveIntervalMs }),
  });
  let count = 0;
  for await (const alert of subscription) {
    if (alert.cursor !== ++count) throw new Error(`cursor ${alert.cursor} at ${count}`);
    if (count === ALERTS) break;
  }
  return count;
}

const server = await startServer();
try {
  // A warm-up of each, then the measured runs.
  await bare(server.url);
  await client(server.url);
  const baseline = await measure(() => bare(server.url));
  const plain = await measure(() => client(server.url));
  const saved = await measure(() => client(server.url, join(dir, `c-${Date.now()}.cursor`)));
  const interval = await measure(() =>
    client(server.url, join(dir, `i-${Date.now()}.cursor`), 1000),
  );
  const row = (name, r) =>
    `  ${name.padEnd(55)} ${r.cpuUsPerAlert.toFixed(1).padStart(7)} µs CPU/alert ${Math.round(r.perSecond).toLocaleString("en-US").padStart(9)} alerts/s`;
  console.log(`api-client: follow ${ALERTS.toLocaleString("en-US")} stored alerts from cursor 0`);
  console.log(row("baseline: node:http + split + parseAlertJson", baseline));
  console.log(row("subscribe()", plain));
  console.log(row("subscribe({ cursorFile })", saved));
  console.log(row("subscribe({ cursorFile, cursorSaveIntervalMs: 1000 })", interval));
  console.log(
    `  subscribe() costs ${(plain.cpuUsPerAlert / baseline.cpuUsPerAlert).toFixed(2)}x the baseline's CPU per alert; ` +
      `the cursor file adds ${(saved.cpuUsPerAlert - plain.cpuUsPerAlert).toFixed(1)} µs per alert`,
  );
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
