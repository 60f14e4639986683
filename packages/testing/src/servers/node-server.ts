import { availableParallelism } from "node:os";
import type { Http2Listener, PingPolicyOptions } from "@falco-sdk/grpc-server";
import { service as outputsService } from "@falco-sdk/proto/outputs";
import { service as versionService } from "@falco-sdk/proto/version";
import { ServerStateError, ServerStopTimeoutError } from "../errors.js";
import type {
  AlertInit,
  FalcoServer,
  ListenOptions,
  ServerStats,
  StopOptions,
  VersionInit,
} from "./falco-server.js";
import { createGrpcHandler } from "./grpc-handler.js";
import { checkListenOptions, listenChecked } from "./listen-check.js";
import { createOutputsService } from "./outputs-service.js";
import { ServerCore } from "./server-core.js";
import { createVersionService } from "./version-service.js";

/** Options of {@link createFalcoTestServer}. */
export interface FalcoTestServerOptions {
  /** Where to listen: a unix socket, mutual TLS on TCP, or plaintext TCP with `insecurePlaintext: true`. */
  readonly listen: ListenOptions;
  /**
   * Fields of the `version` answer, over the defaults.
   * @default Falco 0.43.1's answer ({@link DEFAULT_VERSION})
   */
  readonly version?: VersionInit;
  /**
   * How long `stop()` (without its own `timeoutMs`) and `[Symbol.asyncDispose]()` wait
   * for open calls before destroying them. `Infinity` waits like Falco does.
   * @default 10000
   */
  readonly stopTimeoutMs?: number;
  /**
   * Keepalive enforcement like Falco's gRPC C-core server: a client that sends
   * HTTP/2 PINGs more often than `minIntervalMs` while the server sends
   * nothing gets GOAWAY "too_many_pings" and loses its connection. `false` accepts any PING.
   * @default { minIntervalMs: 300000, maxStrikes: 2 }
   */
  readonly pingPolicy?: PingPolicyOptions | false;
  /**
   * Falco's `grpc.threadiness`: the server serves `threadiness x 10` calls per
   * method at once; further calls wait without an answer until one ends.
   * 0 means one per CPU, like Falco's default.
   * @default unlimited
   */
  readonly threadiness?: number;
}

/** Lifecycle of a test server. */
export type ServerState = "listening" | "stopping" | "stopped" | "crashed";

/** The Node test server: {@link FalcoServer} plus synchronous helpers. */
export interface NodeFalcoServer extends FalcoServer {
  /** The listen options with the port actually bound (port 0 resolved). */
  readonly listen: ListenOptions;
  /** Lifecycle state now. */
  readonly state: ServerState;
  /** True between `pause()` and `resume()`. */
  readonly paused: boolean;
  /** Queues alerts synchronously (same as `emit`). */
  emitSync(alerts: AlertInit | readonly AlertInit[]): void;
  /** Counters now, synchronously (same as `stats`). */
  statsSync(): ServerStats;
}

/**
 * Starts a gRPC server with Falco's output semantics, on connect-node over
 * node:http2: one shared destructive queue, `sub` draining once per client
 * request, `get` draining and ending OK, Falco's stop behaviour, and
 * failure switches (`pause`, `crash`, `restart`) for tests.
 */
export async function createFalcoTestServer(
  options: FalcoTestServerOptions,
): Promise<NodeFalcoServer> {
  checkListenOptions(options.listen);
  const threadiness = options.threadiness === 0 ? availableParallelism() : options.threadiness;
  const core = new ServerCore(threadiness === undefined ? undefined : threadiness * 10);
  const handler = createGrpcHandler({
    // gRPC's default receive limit, as in Falco.
    readMaxBytes: 4 * 1024 * 1024,
    routes(router) {
      router.service(outputsService, createOutputsService(core));
      router.service(versionService, createVersionService(core, options.version));
    },
  });
  const defaultStopTimeoutMs = options.stopTimeoutMs ?? 10_000;

  const pingPolicy = options.pingPolicy ?? {};
  let rejectedRequests = 0;
  const onRejected = () => {
    rejectedRequests++;
  };
  let listener: Http2Listener = await listenChecked(options.listen, handler, pingPolicy, {
    onRejected,
  });
  let state: ServerState = "listening";
  let stopping: Promise<void> | undefined;

  async function stopNow(timeoutMs: number): Promise<void> {
    core.stopping = true;
    state = "stopping";
    const current = listener;
    current.beginClose();
    const finished = core.whenIdle().then(() => current.closed);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      if (Number.isFinite(timeoutMs)) {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      }
    });
    try {
      const outcome = await Promise.race([finished, timedOut]);
      if (outcome === "timeout") {
        const open = core.openCalls;
        current.destroy();
        if (open > 0) {
          throw new ServerStopTimeoutError(open, timeoutMs);
        }
      }
    } finally {
      clearTimeout(timer);
      if (state === "stopping") {
        state = "stopped";
      }
    }
  }

  const server: NodeFalcoServer = {
    get endpoint() {
      return listener.endpoint;
    },
    get listen() {
      return listener.listen;
    },
    get state() {
      return state;
    },
    get paused() {
      return core.gate.closed;
    },
    emitSync(alerts) {
      core.queue.push(alerts);
    },
    statsSync() {
      return { ...core.queue.stats(core.subscribers), rejectedRequests };
    },
    async emit(alerts) {
      core.queue.push(alerts);
    },
    async stats() {
      return { ...core.queue.stats(core.subscribers), rejectedRequests };
    },
    async pause() {
      core.gate.close();
    },
    async resume() {
      // Falco's gRPC core handles cancellations and closed connections while
      // the application hangs: requests of calls that ended meanwhile are
      // never served. Here transport and handlers share one event loop, so
      // process what the clients sent first.
      await listener.settle();
      core.gate.open();
    },
    async crash() {
      if (state === "stopped" || state === "crashed") {
        return;
      }
      state = "crashed";
      listener.destroy();
    },
    async restart() {
      if (state === "listening" || state === "stopping") {
        throw new ServerStateError(
          `restart() needs a crashed or stopped server; this one is ${state}. Call crash() or stop() first.`,
        );
      }
      stopping = undefined;
      core.stopping = false;
      core.gate.open();
      listener = await listenChecked(listener.listen, handler, pingPolicy, { onRejected });
      state = "listening";
    },
    async reload(stopOptions?: StopOptions) {
      await server.stop(stopOptions);
      await server.restart();
    },
    stop(stopOptions?: StopOptions) {
      if (state === "stopped" || state === "crashed") {
        return stopping ?? Promise.resolve();
      }
      stopping ??= stopNow(stopOptions?.timeoutMs ?? defaultStopTimeoutMs);
      return stopping;
    },
    [Symbol.asyncDispose]() {
      return server.stop();
    },
  };
  return server;
}
