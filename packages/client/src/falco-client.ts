import type { Alert } from "./alert.js";
import { compileAlertFilter } from "./alert-filter.js";
import { alertFromResponse } from "./alert-from-response.js";
import { backoffWithDefaults } from "./backoff.js";
import type { FalcoClientOptions, GetOptions, SubscribeOptions } from "./client-options.js";
import type { ClientStatus } from "./client-status.js";
import { type LoadedTls, loadTls, openConnection } from "./connection.js";
import { formatEndpoint, resolveEndpoint } from "./endpoint.js";
import { diagnoseCallError } from "./error-mapping.js";
import { EventHub } from "./event-hub.js";
import { type FalcoVersion, falcoVersionFromResponse } from "./falco-version.js";
import { type AlertSubscription, createSubscription } from "./subscription.js";

/** A client of Falco's gRPC output API. Create it with `createFalcoClient()`. */
export interface FalcoClient extends AsyncDisposable {
  /** The endpoint in use, e.g. `unix:///run/falco/falco.sock`. */
  readonly endpoint: string;
  /**
   * Live alerts from Falco's `sub` stream. Never ends on its own while Falco runs: it polls
   * as Falco requires and reconnects after failures, restarts and rule reloads (see `status()`).
   * Throws when the reconnect policy gives up or a failure cannot heal.
   */
  subscribe(options?: SubscribeOptions): AlertSubscription;
  /** The alerts queued in Falco now (its `get`); ends when the queue is drained. */
  get(options?: GetOptions): AsyncIterable<Alert>;
  /** Falco's version and what it supports. */
  version(options?: { signal?: AbortSignal }): Promise<FalcoVersion>;
  /** Connection events from now on, until `close()`. Each call gives a new iterable. */
  status(): AsyncIterable<ClientStatus>;
  /** Ends every subscription and call, and closes connections. */
  close(): Promise<void>;
}

/**
 * Creates a client of Falco's gRPC outputs. It connects lazily, on the first call.
 *
 * ```ts
 * const falco = createFalcoClient(); // unix:///run/falco/falco.sock
 * for await (const alert of falco.subscribe({ minPriority: "Warning" })) console.log(alert.rule);
 * ```
 *
 * @throws ConfigurationError when the endpoint cannot be parsed or TLS files cannot be read.
 */
export function createFalcoClient(options: FalcoClientOptions = {}): FalcoClient {
  const endpoint = resolveEndpoint(
    options.endpoint ?? process.env.FALCO_GRPC_ENDPOINT,
    options.insecurePlaintextTcp ?? false,
  );
  const tls: LoadedTls | undefined =
    endpoint.kind === "tcp" && endpoint.tls ? loadTls(options.tls) : undefined;
  const livenessTimeoutMs = options.livenessTimeoutMs ?? 30_000;
  const status = new EventHub<ClientStatus>();
  const closing = new AbortController();
  const shared = openConnection(endpoint, tls);
  const context = {
    endpoint,
    tls,
    backoff:
      options.reconnect === false ? (false as const) : backoffWithDefaults(options.reconnect),
    waitForServer: options.waitForServer ?? false,
    livenessTimeoutMs,
    status,
    closed: closing.signal,
  };
  const callSignal = (signal?: AbortSignal) =>
    signal ? AbortSignal.any([signal, closing.signal]) : closing.signal;

  const client: FalcoClient = {
    endpoint: formatEndpoint(endpoint),
    subscribe: (subscribeOptions = {}) => createSubscription(context, subscribeOptions),
    get(getOptions = {}) {
      const filter = compileAlertFilter(getOptions);
      return {
        async *[Symbol.asyncIterator]() {
          let received = false;
          try {
            for await (const message of shared.outputs.get(
              {},
              { signal: callSignal(getOptions.signal) },
            )) {
              received = true;
              const alert = alertFromResponse(message);
              if (!filter || filter(alert)) yield alert;
            }
          } catch (error) {
            if (closing.signal.aborted || getOptions.signal?.aborted) return;
            throw await diagnoseCallError(error, endpoint, tls, !received);
          }
        },
      };
    },
    async version(versionOptions = {}) {
      try {
        const answer = await shared.version.version(
          {},
          { timeoutMs: livenessTimeoutMs / 2, signal: callSignal(versionOptions.signal) },
        );
        return falcoVersionFromResponse(answer);
      } catch (error) {
        throw await diagnoseCallError(error, endpoint, tls, true);
      }
    },
    status: () => status.subscribe(),
    async close() {
      if (closing.signal.aborted) return;
      closing.abort();
      shared.close();
      status.publish({ type: "closed" });
    },
    [Symbol.asyncDispose]: () => client.close(),
  };
  return client;
}
