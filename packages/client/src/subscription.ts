import {
  type Alert,
  type AlertSubscription,
  type EventHub,
  type FalcoError,
  linkedAbortController,
} from "@falco-sdk/core";
import { streamAlerts } from "./alert-stream.js";
import { retryDelayMs } from "./backoff.js";
import type { SubscribeOptions } from "./client-options.js";
import type { ClientStatus } from "./client-status.js";
import { openConnection } from "./connection.js";
import { formatEndpoint } from "./endpoint.js";
import { diagnoseCallError, isPermanent } from "./error-mapping.js";
import { ConnectionError } from "./errors.js";
import { type ClientSettings, resolveSubscribeOptions } from "./resolve-options.js";

export type { AlertSubscription };

/** What a subscription needs from its client. */
export interface SubscriptionContext extends ClientSettings {
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
  const stop = linkedAbortController(context.closed, options.signal);
  const settings = {
    ...resolveSubscribeOptions(options),
    versionTimeoutMs: context.versionTimeoutMs,
    livenessCheckEveryMs: context.livenessCheckEveryMs,
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
        await connection.version.version({}, { timeoutMs: context.versionTimeoutMs, signal });
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
