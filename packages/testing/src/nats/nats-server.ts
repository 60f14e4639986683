import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FalcoTestServerError } from "../errors.js";

/** nats-server is missing (install Debian's `nats-server`: scripts/ensure-system-deps.sh). */
export class NatsServerUnavailableError extends FalcoTestServerError<"nats-server-unavailable"> {
  constructor(detail: string) {
    super(
      "nats-server-unavailable",
      `cannot run nats-server (${detail}): install it with \`apt-get install nats-server\` ` +
        "(scripts/ensure-system-deps.sh does), or set NATS_SERVER_BIN to its path",
    );
  }
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Client port; 0 lets nats-server pick a free loopback port (kept across `restart()`). @default 0 */
  readonly port?: number;
  /** The server's `max_payload` in bytes. @default nats-server's (1 MiB) */
  readonly maxPayload?: number;
  /** Require this user and password. @default no authentication */
  readonly user?: { readonly name: string; readonly password: string };
  /** Require this token. @default no authentication */
  readonly token?: string;
  /**
   * Serve TLS with these PEM files; `verify: true` also requires client certificates signed by `ca`.
   * @default plaintext
   */
  readonly tls?: {
    readonly certFile: string;
    readonly keyFile: string;
    readonly caFile?: string;
    readonly verify?: boolean;
  };
  /** Extra configuration text appended to the generated file. @default none */
  readonly extraConfig?: string;
}

/** A nats-server process with JetStream on, under a test's control. */
export interface NatsTestServer extends AsyncDisposable {
  /** `nats://127.0.0.1:PORT` (`tls://` when TLS is on). */
  readonly url: string;
  /** Its client port on 127.0.0.1 (the one it was given, or the free one picked); kept across `restart()`. */
  readonly port: number;
  /** Its JetStream store directory (kept across restarts, removed by dispose). */
  readonly storeDir: string;
  /** Kills the process (SIGKILL), like a crashed server. */
  kill(): Promise<void>;
  /** Stops the process gracefully (SIGTERM). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same store. */
  restart(): Promise<void>;
  /** Lines the process wrote to stderr (its log). */
  log(): string;
}

/** A JetStream cluster of nats-server processes on loopback. */
export interface NatsTestCluster extends AsyncDisposable {
  /**
   * The cluster's servers, `node-0` to `node-(size-1)`, each with its own store; `kill()`,
   * `stop()` and `restart()` one to test a lost node or a new stream leader.
   */
  readonly nodes: readonly NatsTestServer[];
  /** Every node's client URL. */
  readonly urls: readonly string[];
}

function binary(): string {
  if (process.env.NATS_SERVER_BIN) return process.env.NATS_SERVER_BIN;
  // Debian installs it in /usr/sbin, which a non-root PATH may lack.
  return existsSync("/usr/sbin/nats-server") ? "/usr/sbin/nats-server" : "nats-server";
}

let serial = 0;

/** A free TCP port on 127.0.0.1 (free when asked: another process may take it before use). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface NodeSpec {
  readonly name: string;
  /** 0: the server picks a free port at its first start (no race with other processes). */
  readonly port: number;
  readonly storeDir: string;
  /** The configuration for a client port (-1: any free one). */
  readonly config: (port: number) => string;
  readonly scheme: "nats" | "tls";
  /** A line of the log that says the server is ready for what the test needs. */
  readonly readyLine: RegExp;
}

function startProcess(spec: NodeSpec): NatsTestServer {
  const configPath = join(spec.storeDir, "..", `${spec.name}.conf`);
  let port = spec.port;
  let child: ChildProcess | undefined;
  let logText = "";
  let exited: Promise<void> = Promise.resolve();

  const launch = () =>
    new Promise<void>((resolve, reject) => {
      // Later starts reuse the port the first one got.
      writeFileSync(configPath, spec.config(port || -1));
      const proc = spawn(binary(), ["-c", configPath], { stdio: ["ignore", "ignore", "pipe"] });
      child = proc;
      let ready = false;
      exited = new Promise((done) => proc.once("exit", () => done()));
      proc.once("error", (error) => reject(new NatsServerUnavailableError(error.message)));
      proc.stderr?.setEncoding("utf8");
      proc.stderr?.on("data", (chunk: string) => {
        logText += chunk;
        const listening = /Listening for client connections on [^\s]*:(\d+)/.exec(logText);
        if (port === 0 && listening) port = Number(listening[1]);
        if (!ready && port !== 0 && spec.readyLine.test(logText.slice(-4096))) {
          ready = true;
          resolve();
        }
      });
      proc.once("exit", (code, signal) => {
        if (!ready) {
          reject(
            new NatsServerUnavailableError(
              `exited with ${code ?? signal} before it was ready: ${logText.slice(-600)}`,
            ),
          );
        }
      });
    });

  const end = async (signal: NodeJS.Signals) => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(signal);
    await exited;
  };

  const server: NatsTestServer & { launch: () => Promise<void> } = {
    get url() {
      return `${spec.scheme}://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir: spec.storeDir,
    launch,
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
    restart: async () => {
      await end("SIGTERM");
      logText = "";
      await launch();
    },
    log: () => logText,
    [Symbol.asyncDispose]: () => end("SIGKILL"),
  };
  return server;
}

function authConfig(options: NatsServerOptions): string {
  if (options.user) {
    return `authorization { user: ${JSON.stringify(options.user.name)}, password: ${JSON.stringify(options.user.password)} }\n`;
  }
  if (options.token) return `authorization { token: ${JSON.stringify(options.token)} }\n`;
  return "";
}

function tlsConfig(options: NatsServerOptions): string {
  const tls = options.tls;
  if (!tls) return "";
  const lines = [
    `cert_file: ${JSON.stringify(tls.certFile)}`,
    `key_file: ${JSON.stringify(tls.keyFile)}`,
  ];
  if (tls.caFile) lines.push(`ca_file: ${JSON.stringify(tls.caFile)}`);
  if (tls.verify) lines.push("verify: true");
  return `tls { ${lines.join("\n")} }\n`;
}

/**
 * Starts Debian's nats-server (JetStream on, store in a new temp directory) on a free
 * loopback port and resolves when it is ready. Dispose it (or `kill()`) to stop it.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsTestServer> {
  const root = mkdtempSync(join(tmpdir(), "falco-nats-"));
  const storeDir = join(root, "store");
  const config = (port: number) =>
    `server_name: n-${process.pid}-${++serial}\nlisten: 127.0.0.1:${port}\n` +
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }\n` +
    (options.maxPayload ? `max_payload: ${options.maxPayload}\n` : "") +
    authConfig(options) +
    tlsConfig(options) +
    (options.extraConfig ?? "");
  const server = startProcess({
    name: "nats",
    port: options.port ?? 0,
    storeDir,
    config,
    scheme: options.tls ? "tls" : "nats",
    readyLine: /Server is ready/,
  }) as NatsTestServer & { launch: () => Promise<void> };
  await server.launch();
  const dispose = server[Symbol.asyncDispose];
  return Object.assign(server, {
    [Symbol.asyncDispose]: async () => {
      await dispose();
      rmSync(root, { recursive: true, force: true });
    },
  });
}

/**
 * Starts a JetStream cluster of `size` nats-server processes on loopback (routes between every
 * pair, a store directory each) and resolves when every node is up and knows JetStream's meta
 * leader (its log says so), so JetStream answers at once. A node's `restart()` resolves when it
 * knows the meta leader again.
 */
export async function startNatsCluster(size = 3): Promise<NatsTestCluster> {
  const root = mkdtempSync(join(tmpdir(), "falco-nats-cluster-"));
  const ports = await Promise.all(Array.from({ length: size }, () => freeLoopbackPort()));
  const routePorts = await Promise.all(Array.from({ length: size }, () => freeLoopbackPort()));
  const routes = routePorts.map((p) => `nats-route://127.0.0.1:${p}`).join(", ");
  const nodes = ports.map((port, i) => {
    const storeDir = join(root, `store-${i}`);
    return startProcess({
      name: `node-${i}`,
      port,
      storeDir,
      scheme: "nats",
      // Ready once the node knows JetStream's meta leader: before that, JetStream API
      // requests go unanswered (each waits for the client's request timeout, 5 s).
      readyLine:
        /JetStream cluster new metadata leader|Self is new JetStream cluster metadata leader/,
      config: () =>
        `server_name: node-${i}\nlisten: 127.0.0.1:${port}\n` +
        `jetstream { store_dir: ${JSON.stringify(storeDir)} }\n` +
        `cluster { name: falco-test, listen: 127.0.0.1:${routePorts[i]}, routes: [${routes}] }\n`,
    }) as NatsTestServer & { launch: () => Promise<void> };
  });
  try {
    await Promise.all(nodes.map((n) => n.launch()));
  } catch (error) {
    await Promise.all(nodes.map((n) => n.kill()));
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return {
    nodes,
    urls: nodes.map((n) => n.url),
    [Symbol.asyncDispose]: async () => {
      await Promise.all(nodes.map((n) => n.kill()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}
