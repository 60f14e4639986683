import { type Alert, compileAlertFilter } from "@falco-sdk/core";
import { EventHub, linkedAbortController } from "@falco-sdk/core/internal";
import type { FalcoClientOptions, GetOptions, SubscribeOptions } from "./client-options.js";
import type { ClientStatus } from "./client-status.js";
import { openConnection } from "./connection.js";
import { formatEndpoint } from "./endpoint.js";
import { diagnoseCallError } from "./error-mapping.js";
import { type FalcoVersion, falcoVersionFromResponse } from "./falco-version.js";
import { streamGetAlerts } from "./get-alerts.js";
import { resolveClientOptions } from "./resolve-options.js";
import { createSubscription, type FalcoSubscription } from "./subscription.js";

/** A client of Falco's gRPC output API. Create it with `createFalcoClient()`. */
export interface FalcoClient extends AsyncDisposable {
  /** The endpoint in use, e.g. `unix:///run/falco/falco.sock`. */
  readonly endpoint: string;
  /**
   * Live alerts from Falco's `sub` stream. Never ends on its own while Falco runs: it polls
   * as Falco requires and reconnects after failures, restarts and rule reloads (see `status()`).
   * Throws when the reconnect policy gives up or a failure cannot heal.
   */
  subscribe(options?: SubscribeOptions): FalcoSubscription;
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
  const settings = resolveClientOptions(options);
  const { endpoint } = settings;
  const status = new EventHub<ClientStatus>();
  const closing = new AbortController();
  const shared = openConnection(endpoint, settings.tls);
  const context = {
    ...settings,
    status,
    drops: { total: 0 },
    losses: { total: 0 },
    closed: closing.signal,
  };

  const client: FalcoClient = {
    endpoint: formatEndpoint(endpoint),
    subscribe: (subscribeOptions = {}) => createSubscription(context, subscribeOptions),
    get(getOptions = {}) {
      const filter = compileAlertFilter(getOptions);
      return {
        async *[Symbol.asyncIterator]() {
          const progress = { received: false };
          const call = linkedAbortController(closing.signal, getOptions.signal);
          try {
            yield* streamGetAlerts(shared, filter, call.signal, progress);
          } catch (error) {
            if (closing.signal.aborted || getOptions.signal?.aborted) return;
            throw await diagnoseCallError(error, endpoint, settings.tls, !progress.received);
          } finally {
            call.abort();
          }
        },
      };
    },
    async version(versionOptions = {}) {
      const call = linkedAbortController(closing.signal, versionOptions.signal);
      try {
        const answer = await shared.version.version(
          {},
          { timeoutMs: settings.versionTimeoutMs, signal: call.signal },
        );
        return falcoVersionFromResponse(answer);
      } catch (error) {
        throw await diagnoseCallError(error, endpoint, settings.tls, true);
      } finally {
        call.abort();
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
