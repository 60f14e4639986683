#!/usr/bin/env node
/**
 * falco-test-launcher: one Falco test server under the control of a test
 * written in any language (the Python, Go and Rust packages' tests spawn it).
 * It reads one JSON command per line on stdin and answers each with one JSON
 * line on stdout, in order: `{"ok":true,...}` or `{"ok":false,"error":"..."}`.
 *
 *   {"cmd":"start","kind":"node"|"ccore","transport":"unix"|"mtls","threadiness"?:N}
 *          (threadiness: Falco's grpc.threadiness, N x 10 calls served per method)
 *       -> {"ok":true,"endpoint":"unix:///...|127.0.0.1:PORT","pki":{ca,cert,key,rogueCa,rogueCert,rogueKey}}
 *          (pki: file paths, mtls only; the server certificate is for CN=localhost)
 *   {"cmd":"emit","count":N}        queue N fixture alerts (seed 1, continuing)
 *       -> {"ok":true,"alerts":[{rule,priority,source,output,hostname,tags,time},...]}
 *          (priority Capitalised, time RFC 3339 with nanoseconds: Falco's JSON)
 *   {"cmd":"stats"}                 -> {"ok":true,"queued","delivered","dropped","subscribers"}
 *   {"cmd":"waitSubscribers","n":N} -> answers once N `sub` calls are open
 *   {"cmd":"stop"} | {"cmd":"crash"} | {"cmd":"restart"}   the FalcoServer methods
 *   {"cmd":"reload"}                FalcoServer.reload(): Falco's rules/config reload (the queue survives)
 *   {"cmd":"pause"} | {"cmd":"resume"}  FalcoServer.pause()/resume(): a hung Falco (SIGSTOP) and back
 *
 * stdin closing stops the server (crash after 2 s) and exits. Logs go to stderr.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { sleep } from "@falco-sdk/core";
import { createAlertGenerator } from "./alert-generator.js";
import { startCCoreFalcoServer } from "./ccore-server.js";
import { PRIORITY_NAMES } from "./falco-output-format.js";
import type { AlertInit, FalcoServer, ListenOptions } from "./falco-server.js";
import { createFalcoTestServer } from "./node-server.js";
import { createTestPki, writeTestPki } from "./pki.js";

type Command = {
  cmd?: unknown;
  kind?: unknown;
  transport?: unknown;
  count?: unknown;
  n?: unknown;
  threadiness?: unknown;
};
type Reply = Record<string, unknown>;

const dir = mkdtempSync(join(tmpdir(), "falco-launcher-"));
const generator = createAlertGenerator({ seed: 1 });
let server: FalcoServer | undefined;

/** The alert as Falco's json_output writes it (output_fields left as gRPC strings). */
function alertJson(alert: AlertInit): Reply {
  const seconds = BigInt(alert.time?.seconds ?? 0n);
  const nanos = alert.time?.nanos ?? 0;
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return {
    hostname: alert.hostname,
    output: alert.output,
    output_fields: alert.outputFields,
    priority: PRIORITY_NAMES[alert.priority ?? 0],
    rule: alert.rule,
    source: alert.source,
    tags: alert.tags,
    time: `${date}.${String(nanos).padStart(9, "0")}Z`,
  };
}

async function start(command: Command): Promise<Reply> {
  if (server) throw new Error("a server is already running: one per launcher");
  const { kind, transport } = command;
  if (kind !== "node" && kind !== "ccore") throw new Error('kind must be "node" or "ccore"');
  let listen: ListenOptions;
  let pki: Reply | undefined;
  if (transport === "unix") {
    listen = { socketPath: join(dir, "falco.sock") };
  } else if (transport === "mtls") {
    const files = await writeTestPki(join(dir, "pki"), await createTestPki());
    listen = { host: "127.0.0.1", port: 0, tls: files.pki.serverTls };
    pki = {
      ca: files.caCert,
      cert: files.clientCert,
      key: files.clientKey,
      rogueCa: files.rogueCaCert,
      rogueCert: files.rogueClientCert,
      rogueKey: files.rogueClientKey,
    };
  } else {
    throw new Error('transport must be "unix" or "mtls"');
  }
  const { threadiness } = command;
  if (threadiness !== undefined && !(Number.isInteger(threadiness) && Number(threadiness) >= 1)) {
    throw new Error("threadiness must be an integer >= 1");
  }
  const served = threadiness === undefined ? {} : { threadiness: Number(threadiness) };
  const log = (line: string) => process.stderr.write(`[ccore] ${line}\n`);
  server =
    kind === "node"
      ? await createFalcoTestServer({ listen, ...served })
      : await startCCoreFalcoServer({ listen, log, ...served });
  return { endpoint: server.endpoint, ...(pki ? { pki } : {}) };
}

async function waitSubscribers(running: FalcoServer, n: number): Promise<Reply> {
  // Polls the server's own counter: the condition, not a guess at timing.
  for (let i = 0; i < 1000; i++) {
    const stats = await running.stats();
    if (stats.subscribers >= n) return { ...stats };
    await sleep(20);
  }
  throw new Error(`fewer than ${n} subscribers after 1000 checks`);
}

async function handle(command: Command): Promise<Reply> {
  if (command.cmd === "start") return start(command);
  const running = server;
  if (!running) throw new Error('no server: send {"cmd":"start",...} first');
  switch (command.cmd) {
    case "emit": {
      const count = Number(command.count ?? 1);
      if (!Number.isInteger(count) || count < 0) throw new Error("count must be an integer >= 0");
      const alerts = generator.take(count);
      await running.emit(alerts);
      return { alerts: alerts.map(alertJson) };
    }
    case "stats":
      return { ...(await running.stats()) };
    case "waitSubscribers":
      return waitSubscribers(running, Number(command.n ?? 1));
    case "stop":
      await running.stop();
      return {};
    case "crash":
      await running.crash();
      return {};
    case "restart":
      await running.restart();
      return {};
    case "reload":
      await running.reload();
      return {};
    case "pause":
      await running.pause();
      return {};
    case "resume":
      await running.resume();
      return {};
    default:
      throw new Error(`unknown cmd ${JSON.stringify(command.cmd)}`);
  }
}

function reply(value: Reply): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v))}\n`,
  );
}

let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  queue = queue.then(async () => {
    try {
      reply({ ok: true, ...(await handle(JSON.parse(line) as Command)) });
    } catch (error) {
      reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
lines.on("close", () => {
  queue = queue.then(async () => {
    try {
      await server?.stop({ timeoutMs: 2000 });
    } catch {
      await server?.crash().catch(() => {});
    }
    try {
      await server?.[Symbol.asyncDispose]();
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
