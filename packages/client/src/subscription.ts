import type { Alert } from "./alert.js";
import { compileAlertFilter } from "./alert-filter.js";
import { streamAlerts } from "./alert-stream.js";
import { type Backoff, retryDelayMs } from "./backoff.js";
import type { SubscribeOptions } from "./client-options.js";
import type { ClientStatus } from "./client-status.js";
import { type LoadedTls, openConnection } from "./connection.js";
import { formatEndpoint, type ResolvedEndpoint } from "./endpoint.js";
import { diagnoseCallError, isPermanent } from "./error-mapping.js";
import { ConnectionError, type FalcoError } from "./errors.js";
import type { EventHub } from "./event-hub.js";

/** A live stream of alerts; `for await` it, and end it with `break`, an AbortSignal or `unsubscribe()`. */
export interface AlertSubscription extends AsyncIterable<Alert> {
  /** Ends the subscription: the loop over it finishes without an error. */
  unsubscribe(): void;
}

/** What a subscription needs from its client. */
export interface SubscriptionContext {
  readonly endpoint: ResolvedEndpoint;
  readonly tls: LoadedTls | undefined;
  readonly backoff: Backoff | false;
  readonly waitForServer: boolean;
  readonly livenessTimeoutMs: number;
  readonly status: EventHub<ClientStatus>;
  /** Aborted by the client's close(). */
  readonly closed: AbortSignal;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

export function createSubscription(
  context: SubscriptionContext,
  options: SubscribeOptions,
): AlertSubscription {
  const stop = new AbortController();
  const signals = [context.closed, options.signal].filter((s): s is AbortSignal => !!s);
  for (const s of signals) {
    if (s.aborted) stop.abort();
    else s.addEventListener("abort", () => stop.abort(), { once: true, signal: stop.signal });
  }
  const settings = {
    pollIntervalMs: options.pollIntervalMs ?? 100,
    maxBufferedAlerts: Math.max(1, options.maxBufferedAlerts ?? 256),
    livenessTimeoutMs: context.livenessTimeoutMs,
    filter: compileAlertFilter(options),
  };
  let started = false;
  return {
    unsubscribe: () => stop.abort(),
    [Symbol.asyncIterator]() {
      if (started)
        throw new TypeError("a subscription can be iterated once; call subscribe() again");
      started = true;
      return run(context, settings, stop);
    },
  };
}

async function* run(
  context: SubscriptionContext,
  settings: Parameters<typeof streamAlerts>[1],
  stop: AbortController,
): AsyncGenerator<Alert, void, undefined> {
  const { endpoint, status } = context;
  const display = formatEndpoint(endpoint);
  const signal = stop.signal;
  let attempt = 0;
  let everConnected = false;
  try {
    while (!signal.aborted) {
      status.publish({ type: "connecting", endpoint: display });
      const connection = openConnection(endpoint, context.tls);
      let streaming = false;
      let endedByServer = false;
      let failure: FalcoError;
      try {
        await connection.version.version({}, { timeoutMs: context.livenessTimeoutMs / 2, signal });
        everConnected = true;
        attempt = 0;
        status.publish({ type: "connected", endpoint: display });
        streaming = true;
        yield* streamAlerts(connection, settings, signal);
        endedByServer = true;
        failure = new ConnectionError(
          "Falco ended the alert stream (it is stopping, or reloading its rules or configuration)",
        );
      } catch (error) {
        if (signal.aborted) return;
        failure = await diagnoseCallError(error, endpoint, context.tls, !streaming);
      } finally {
        connection.close();
      }
      if (signal.aborted) return;
      // Falco pops an alert before writing it: a stream that broke (rather than
      // ended with OK) may have taken alerts with it.
      status.publish({
        type: "disconnected",
        error: failure,
        alertsMayHaveBeenLost: streaming && !endedByServer,
      });
      if (isPermanent(failure) || context.backoff === false) throw failure;
      if (!everConnected && !context.waitForServer) throw failure;
      attempt++;
      const delayMs = retryDelayMs(context.backoff, attempt, failure);
      if (delayMs === undefined) throw failure;
      status.publish({ type: "reconnecting", attempt, delayMs, error: failure });
      await sleep(delayMs, signal);
    }
  } finally {
    stop.abort();
  }
}
