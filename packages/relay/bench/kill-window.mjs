// How many alerts a relay with a store answered (204 to Falco's http_output) but had not yet
// stored when it was killed with SIGKILL: Falco never retries, so these are lost. Not part of
// `pnpm bench` (a measurement of loss, not of speed): `node bench/kill-window.mjs` in
// packages/relay, after `pnpm build` (the cli mode runs ../cli/dist/bin.js).
// Per run: a fresh store; ../../http/bench/falco-poster.mjs posts like Falco 0.44 (one
// keep-alive connection, one alert per POST, each answer awaited); the relay is killed as soon
// as the poster has had its Nth answer (N varies per run, so the kill lands anywhere in the
// relay's batch cycle; the poster goes on until the connection fails); then the store is
// opened (the cli modes' intake journal replayed into it first, as a restarted relay does) and
// its count compared with the POSTs answered. The library modes have no journal: the baseline.
// Modes: cli (falco-alerts relay --listen-http --store, fsync per append), cli-no-fsync
// (--no-store-fsync), library (createAlertRelay({ store }) with @falco-sdk/http's receiver,
// bench/relay-process.mjs http-store; storeBatchMs default, 10), library-batch0 (storeBatchMs 0),
// library-batch0-no-fsync (storeBatchMs 0, durable: false).
// KILL_ROUNDS (default 5) runs per mode; KILL_MODES (default all, comma-separated).
import { fork, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openAlertStore } from "@falco-sdk/store";
import { startHelper } from "../../http/bench/ipc-process.mjs";
import { IntakeJournal } from "../dist/intake-journal.js";

const here = (name) => fileURLToPath(new URL(name, import.meta.url));
const ROUNDS = Number(process.env.KILL_ROUNDS ?? 5);
const MODES = (
  process.env.KILL_MODES ?? "cli,cli-no-fsync,library,library-batch0,library-batch0-no-fsync"
).split(",");
const cli = here("../../cli/dist/bin.js");
// KILL_SIGNAL=SIGTERM (cli modes; relay-process.mjs does not handle it): the same with a graceful
// stop, what a stopping relay answered but did not store.
const SIGNAL = process.env.KILL_SIGNAL ?? "SIGKILL";

/** Starts a relay with a store in `dir`; resolves with its process and http_output URL. */
function startRelay(mode, dir) {
  const store = join(dir, "store");
  if (mode.startsWith("cli")) {
    const args = [cli, "relay", "--listen-http", "127.0.0.1:0", "--store", store];
    args.push(
      "--serve-http",
      "127.0.0.1:0",
      ...(mode === "cli-no-fsync" ? ["--no-store-fsync"] : []),
    );
    const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
    return new Promise((resolve, reject) => {
      let err = "";
      child.stderr.on("data", (d) => {
        err += d;
        const url = /http_output at (\S+)\n/.exec(err)?.[1];
        if (url) resolve({ child, url });
      });
      child.once("exit", () => reject(new Error(`relay exited: ${err}`)));
    });
  }
  const batch0 = mode.startsWith("library-batch0");
  const env = { ...process.env, ...(batch0 && { BENCH_STORE_BATCH_MS: "0" }) };
  const storeMode = mode.endsWith("no-fsync") ? "http-store-nosync" : "http-store";
  const child = fork(here("relay-process.mjs"), [storeMode, store, join(dir, "relay.sock")], {
    env,
  });
  return new Promise((resolve) =>
    child.on("message", (m) => m.type === "ready" && resolve({ child, url: m.url })),
  );
}

const poster = await startHelper(here("../../http/bench/falco-poster.mjs"));
console.log(
  `${new Date().toISOString()} relay kill -9 window: node ${process.version}, ` +
    `${cpus().length} x ${cpus()[0]?.model}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
);
console.log(
  "mode                    | run | killed at | answered | stored | answered, not stored | POSTs/s",
);
for (const mode of MODES) {
  const lost = [];
  for (let run = 0; run < ROUNDS; run++) {
    const dir = mkdtempSync(join(tmpdir(), "falco-kill-window-"));
    const { child, url } = await startRelay(mode, dir);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const killAt = 4000 + run * 1237;
    const onAnswered = (m) => m.type === "answered" && child.kill(SIGNAL);
    poster.child.on("message", onAnswered);
    const result = await poster.ask({ type: "post", url, count: 1_000_000, notifyAt: killAt });
    poster.child.off("message", onAnswered);
    await exited;
    const store = openAlertStore({ directory: join(dir, "store") });
    // What a restarted `falco-alerts relay` does first: append what its intake journal holds.
    const journalPath = join(dir, "store", "intake-journal");
    if (existsSync(journalPath)) IntakeJournal.open(store, journalPath).close();
    const { count } = store.stats();
    store.close();
    rmSync(dir, { recursive: true, force: true });
    const answered = result.statuses[204] ?? 0;
    lost.push(Math.max(0, answered - count));
    console.log(
      `${mode.padEnd(23)} | ${String(run + 1).padStart(3)} | ${String(killAt).padStart(9)} | ` +
        `${String(answered).padStart(8)} | ${String(count).padStart(6)} | ` +
        `${String(answered - count).padStart(20)} | ${Math.round(result.sent / (result.ms / 1000))}`,
    );
  }
  const mean = lost.reduce((a, b) => a + b, 0) / lost.length;
  console.log(
    `${mode}: answered but not stored, max ${Math.max(...lost)}, mean ${mean.toFixed(1)}`,
  );
}
poster.stop();
