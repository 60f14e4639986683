import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { sleep } from "@falco-sdk/core";
import { service } from "@falco-sdk/proto/outputs";
import { createAlertGenerator } from "../fixtures/alert-generator.js";
import { createTestPki, writeTestPki } from "../pki/pki.js";
import { startCCoreFalcoServer } from "../servers/ccore-server.js";
import type { FalcoServer, ListenOptions } from "../servers/falco-server.js";
import { createFalcoTestServer } from "../servers/node-server.js";
import { createTestTransport, type TestTransport } from "../servers/test-transport.js";
import { alertFromJson, alertJson } from "./alerts.js";

/** One command of the launcher protocol (launcher.ts documents them). */
export type LauncherCommand = Record<string, unknown> & { readonly cmd?: unknown };
/** The answer to a command, without its `ok`. */
export type LauncherReply = Record<string, unknown>;

/**
 * The commands of `falco-test-launcher`, in-process: one test server per session. The
 * launcher reads them as JSON lines; a TypeScript test calls `handle` directly.
 */
export interface LauncherSession extends AsyncDisposable {
  /** Runs one command; throws an Error whose message the launcher answers with. */
  handle(command: LauncherCommand): Promise<LauncherReply>;
  /** Stops the server (a crash when it does not stop within 2 s), ends held calls. */
  close(): Promise<void>;
}

/** A session whose files (unix socket, PKI) live in `dir`. */
export function createLauncherSession(dir: string): LauncherSession {
  const generator = createAlertGenerator({ seed: 1 });
  let server: FalcoServer | undefined;
  let pkiFiles: { ca: string; cert: string; key: string } | undefined;
  const held: TestTransport[] = [];

  async function start(command: LauncherCommand): Promise<LauncherReply> {
    if (server) throw new Error("a server is already running: one per launcher");
    const { kind, transport } = command;
    if (kind !== "node" && kind !== "ccore") throw new Error('kind must be "node" or "ccore"');
    let listen: ListenOptions;
    let pki: LauncherReply | undefined;
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
      pkiFiles = { ca: files.caCert, cert: files.clientCert, key: files.clientKey };
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

  async function waitSubscribers(running: FalcoServer, n: number): Promise<LauncherReply> {
    // Polls the server's own counter: the condition, not a guess at timing.
    for (let i = 0; i < 1000; i++) {
      const stats = await running.stats();
      if (stats.subscribers >= n) return { ...stats };
      await sleep(20);
    }
    throw new Error(`fewer than ${n} subscribers after 1000 checks`);
  }

  /** `n` sub calls, each on its own connection, that poll once and then hold their slot. */
  function occupySubSlots(running: FalcoServer, n: number): LauncherReply {
    const tls = pkiFiles && {
      ca: readFileSync(pkiFiles.ca),
      cert: readFileSync(pkiFiles.cert),
      key: readFileSync(pkiFiles.key),
    };
    for (let i = 0; i < n; i++) {
      const connection = createTestTransport({ endpoint: running.endpoint, tls });
      const never = {
        async *[Symbol.asyncIterator]() {
          await new Promise(() => {});
        },
      };
      const call = createClient(service, connection.transport).sub(never)[Symbol.asyncIterator]();
      call.next().catch(() => {});
      held.push(connection);
    }
    return { held: held.length };
  }

  const count = (value: unknown, name: string, fallback: number): number => {
    const n = Number(value ?? fallback);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be an integer >= 0`);
    return n;
  };

  async function handle(command: LauncherCommand): Promise<LauncherReply> {
    if (command.cmd === "start") return start(command);
    const running = server;
    if (!running) throw new Error('no server: send {"cmd":"start",...} first');
    switch (command.cmd) {
      case "emit": {
        const alerts = Array.isArray(command.alerts)
          ? command.alerts.map((alert, i) => {
              try {
                return alertFromJson(alert as Record<string, unknown>);
              } catch (error) {
                throw new Error(`alerts[${i}]: ${(error as Error).message}`);
              }
            })
          : generator.take(count(command.count, "count", 1));
        await running.emit(alerts);
        return { alerts: alerts.map(alertJson) };
      }
      case "stats":
        return { ...(await running.stats()) };
      case "waitSubscribers":
        return waitSubscribers(running, count(command.n, "n", 1));
      case "occupySubSlots":
        return occupySubSlots(running, count(command.n, "n", 1));
      case "releaseSubSlots": {
        for (const connection of held.splice(0, count(command.n, "n", 1))) connection.close();
        return { held: held.length };
      }
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

  async function close(): Promise<void> {
    for (const connection of held.splice(0)) connection.close();
    try {
      await server?.stop({ timeoutMs: 2000 });
    } catch {
      await server?.crash().catch(() => {});
    }
    try {
      await server?.[Symbol.asyncDispose]();
    } catch {}
    server = undefined;
  }

  return { handle, close, [Symbol.asyncDispose]: close };
}
