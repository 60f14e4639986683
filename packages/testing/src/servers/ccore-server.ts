import { fileURLToPath } from "node:url";
import {
  claimSocketPath,
  releaseSocketPath,
  type SocketFileIdentity,
  socketFileIdentity,
} from "@falco-sdk/grpc-server";
import { ServerListenError, ServerStateError, ServerStopTimeoutError } from "../errors.js";
import { CCoreProcessError } from "./ccore-errors.js";
import { CCoreProcess, type CCoreReply } from "./ccore-process.js";
import { findProtoDir } from "./ccore-proto-dir.js";
import { stubsDirFor } from "./ccore-stubs-dir.js";
import { alertToInteropJson, listenToInteropJson, versionToInteropJson } from "./ccore-wire.js";
import type {
  AlertInit,
  FalcoServer,
  ListenOptions,
  ServerStats,
  StopOptions,
  VersionInit,
} from "./falco-server.js";
import { checkListenOptions } from "./listen-check.js";
import { DEFAULT_VERSION } from "./version-service.js";

/** Options of {@link startCCoreFalcoServer}. */
export interface CCoreFalcoServerOptions {
  /** Where to listen: a unix socket, mutual TLS on TCP, or plaintext TCP with `insecurePlaintext: true`. */
  readonly listen: ListenOptions;
  /**
   * Fields of the `version` answer, over the defaults.
   * @default Falco 0.43.1's answer (`DEFAULT_VERSION`)
   */
  readonly version?: VersionInit;
  /**
   * Falco's `grpc.threadiness`: the server serves `threadiness x 10` calls per
   * method at once; further calls wait without an answer (their requests
   * unread) until one ends. 0 means one per CPU, like Falco's default.
   * @default unlimited
   */
  readonly threadiness?: number;
  /**
   * The Python interpreter: Debian's, which has grpcio 1.51.1 (the gRPC C core of Falco 0.43).
   * @default "/usr/bin/python3"
   */
  readonly python?: string;
  /**
   * Directory holding `falco/outputs.proto`, `falco/version.proto` and `falco/schema.proto`.
   * @default the falco-sdk repository's `proto/` directory, found above this package
   */
  readonly protoDir?: string;
  /**
   * How long `stop()` (without its own `timeoutMs`) and `[Symbol.asyncDispose]()` wait
   * for open calls before destroying them. `Infinity` waits like Falco does.
   * @default 10000
   */
  readonly stopTimeoutMs?: number;
  /**
   * How long to wait for the Python process to be ready (imports, stub generation).
   * @default 30000
   */
  readonly startupTimeoutMs?: number;
  /**
   * Receives each line the Python process logs (stderr). The last lines are
   * also quoted in errors.
   * @default lines are discarded
   */
  readonly log?: (line: string) => void;
}

/** Lifecycle of the C-core server. */
type State = "listening" | "stopping" | "stopped" | "crashed" | "disposed";

const SCRIPT = fileURLToPath(new URL("../../interop/falco_server.py", import.meta.url));

/**
 * Starts Falco's gRPC outputs API on gRPC's C core: a Python program on
 * Debian's python3-grpcio (gRPC 1.51, the version Falco 0.43 links) with
 * Falco's queue semantics, driven over its stdin/stdout. `crash()` kills the
 * process (the kernel resets every connection) and starts a new, not yet
 * listening, one that keeps the backlog.
 *
 * Fails with `CCoreUnavailableError` when Python or its grpc modules are missing.
 */
export async function startCCoreFalcoServer(
  options: CCoreFalcoServerOptions,
): Promise<FalcoServer> {
  checkListenOptions(options.listen);
  const protoDir = options.protoDir ?? findProtoDir(SCRIPT);
  const stubsDir = stubsDirFor(protoDir);
  const spawnProcess = () =>
    CCoreProcess.spawn({
      python: options.python ?? "/usr/bin/python3",
      script: SCRIPT,
      protoDir,
      stubsDir,
      startupTimeoutMs: options.startupTimeoutMs ?? 30_000,
      log: options.log,
    });
  const defaultStopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const version = versionToInteropJson({ ...DEFAULT_VERSION, ...options.version });
  let listen: ListenOptions = options.listen;

  let proc: CCoreProcess = await spawnProcess();

  let socketFile: SocketFileIdentity | undefined;

  async function listenNow(): Promise<string> {
    let reply: Record<string, unknown>;
    try {
      // A live server's socket is refused, a stale one (a crashed server's) removed.
      if ("socketPath" in listen) await claimSocketPath(listen.socketPath);
      reply = await proc.request("start", {
        listen: listenToInteropJson(listen),
        version,
        threadiness: options.threadiness ?? null,
      });
    } catch (error) {
      throw new ServerListenError(
        `the C-core server cannot listen on ${describe(listen)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if ("socketPath" in listen) socketFile = socketFileIdentity(listen.socketPath);
    else listen = { ...listen, port: reply.port as number };
    return reply.endpoint as string;
  }

  let endpoint: string;
  try {
    endpoint = await listenNow();
  } catch (error) {
    await proc.kill();
    throw error;
  }
  let state: State = "listening";
  let stopping: Promise<void> | undefined;

  function alive(): CCoreProcess {
    if (state === "disposed") {
      throw new ServerStateError("this C-core server was disposed; start a new one.");
    }
    return proc;
  }

  /**
   * Kills the process like a killed Falco (the kernel resets every connection)
   * and starts a new,
   * not listening, one holding the backlog and counters.
   */
  async function killAndRespawn(): Promise<void> {
    const dying = proc;
    // The process freezes its queue, answers with the backlog, then SIGKILLs itself.
    const reply = await dying.request("crash");
    await dying.kill(); // it is killing itself; this waits for it
    // Like a killed Falco, the socket file stays behind (clients then get
    // ECONNREFUSED, not ENOENT); restart() replaces it (nothing answers there).
    proc = await spawnProcess();
    await proc.request("load", { state: reply.state });
  }

  async function stopNow(timeoutMs: number): Promise<void> {
    state = "stopping";
    try {
      const reply = await proc
        .request("stop", { graceMs: Number.isFinite(timeoutMs) ? timeoutMs : null })
        .catch((error: unknown) => {
          // crash() during the stop killed the process: the stop is over.
          if ((state as State) === "crashed") return { graceful: true } as CCoreReply;
          throw error;
        });
      if (reply.graceful === false) {
        // Calls still open (a sub whose client never sent again): destroy their connections.
        await killAndRespawn();
        if ((reply.openCalls as number) > 0) {
          throw new ServerStopTimeoutError(reply.openCalls as number, timeoutMs);
        }
      }
    } finally {
      if (state === "stopping") state = "stopped";
    }
  }

  const server: FalcoServer = {
    get endpoint() {
      return endpoint;
    },
    async emit(alerts: AlertInit | readonly AlertInit[]) {
      const list = Array.isArray(alerts) ? alerts : [alerts as AlertInit];
      await alive().request("emit", { alerts: list.map(alertToInteropJson) });
    },
    async stats(): Promise<ServerStats> {
      const reply = await alive().request("stats");
      return {
        queued: reply.queued as number,
        delivered: reply.delivered as number,
        dropped: reply.dropped as number,
        subscribers: reply.subscribers as number,
        requests: reply.requests as number,
      };
    },
    async pause() {
      await alive().request("pause");
    },
    async resume() {
      await alive().request("resume");
    },
    async crash() {
      if (state !== "listening" && state !== "stopping") return;
      alive();
      state = "crashed";
      await killAndRespawn();
    },
    async restart() {
      if (state !== "stopped" && state !== "crashed") {
        throw new ServerStateError(
          `restart() needs a crashed or stopped server; this one is ${state}. Call crash() or stop() first.`,
        );
      }
      stopping = undefined;
      endpoint = await listenNow();
      state = "listening";
    },
    async reload(stopOptions?: StopOptions) {
      await server.stop(stopOptions);
      await server.restart();
    },
    stop(stopOptions?: StopOptions) {
      if (state === "stopped" || state === "crashed" || state === "disposed") {
        return stopping ?? Promise.resolve();
      }
      stopping ??= stopNow(stopOptions?.timeoutMs ?? defaultStopTimeoutMs);
      return stopping;
    },
    async [Symbol.asyncDispose]() {
      if (state === "disposed") return;
      try {
        await server.stop().catch((error: unknown) => {
          if (!(error instanceof ServerStopTimeoutError || error instanceof CCoreProcessError)) {
            throw error;
          }
        });
      } finally {
        state = "disposed";
        await proc.kill();
        // Only the socket it created (a killed process leaves it behind).
        if ("socketPath" in listen && socketFile !== undefined) {
          releaseSocketPath(listen.socketPath, socketFile);
        }
      }
    },
  };
  return server;
}

function describe(listen: ListenOptions): string {
  if ("socketPath" in listen) return `unix://${listen.socketPath}`;
  return `${listen.host ?? "127.0.0.1"}:${listen.port ?? 0}`;
}
