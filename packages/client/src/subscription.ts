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
import { ConnectionError, SubscriptionStarvedError } from "./errors.js";
import { type ClientSettings, resolveSubscribeOptions } from "./resolve-options.js";

export type { AlertSubscription };

/** What `FalcoClient.subscribe()` returns: an {@link AlertSubscription} that also tells what it holds. */
export interface FalcoSubscription extends AlertSubscription {
  /**
   * Alerts received from Falco and not yet handed to the loop (nats.js' `getPending()`).
   * Ending the subscription discards them (reported as a `dropped` status event).
   */
  readonly pending: number;
}

/** What a subscription needs from its client. */
export interface SubscriptionContext extends ClientSettings {
  readonly status: EventHub<ClientStatus>;
  /** Counts alerts dropped by this client's subscriptions (for `dropped` events). */
  readonly drops: { total: number };
  /** Counts this client's disconnections that may have lost alerts (for `disconnected` events). */
  readonly losses: { total: number };
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
): FalcoSubscription {
  const stop = linkedAbortController(context.closed, options.signal);
  const settings = {
    ...resolveSubscribeOptions(options),
    versionTimeoutMs: context.versionTimeoutMs,
    livenessCheckEveryMs: context.livenessCheckEveryMs,
  };
  let started = false;
  let buffer: { readonly size: number } | undefined;
  const tracked = {
    ...settings,
    onBuffer: (current: { readonly size: number }) => {
      buffer = current;
    },
  };
  return {
    unsubscribe: () => stop.abort(),
    get pending() {
      return buffer?.size ?? 0;
    },
    [Symbol.asyncIterator]() {
      if (started)
        throw new TypeError("a subscription can be iterated once; call subscribe() again");
      started = true;
      return run(context, tracked, stop);
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
  // Graceful ends in a row with no alert received: a server that ends every
  // stream at once must not make us reconnect in a tight loop.
  let emptyEnds = 0;
  // Falco's restart window, opened by a graceful end: a reload brings Falco's
  // server back within milliseconds, so the first retry delay (initialDelayMs)
  // is spent as retries every pollIntervalMs instead of one wait.
  let windowLeftMs = 0;
  try {
    while (!signal.aborted) {
      status.publish({ type: "connecting", endpoint: display });
      const connection = openConnection(endpoint, context.tls);
      let streaming = false;
      let endedByServer = false;
      let lostAtEnd = false;
      let failure: FalcoError;
      try {
        await connection.version.version({}, { timeoutMs: context.versionTimeoutMs, signal });
        everConnected = true;
        attempt = 0;
        status.publish({ type: "connected", endpoint: display });
        streaming = true;
        const end = yield* streamAlerts(
          connection,
          {
            ...settings,
            onStarved: (starved) =>
              status.publish(
                starved
                  ? { type: "starved", error: new SubscriptionStarvedError(display) }
                  : { type: "connected", endpoint: display },
              ),
            onDiscarded: (count) => {
              context.drops.total += count;
              status.publish({ type: "dropped", count, total: context.drops.total });
            },
          },
          signal,
        );
        endedByServer = true;
        lostAtEnd = end.alertsMayHaveBeenLost;
        emptyEnds = end.received > 0 ? 0 : emptyEnds + 1;
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
      // ended with OK) may have taken alerts with it. One Falco stop ends a
      // draining stream with at most one alert lost (see streamAlerts).
      const alertsMayHaveBeenLost = streaming && (!endedByServer || lostAtEnd);
      if (alertsMayHaveBeenLost) context.losses.total++;
      status.publish({
        type: "disconnected",
        error: failure,
        alertsMayHaveBeenLost,
        possibleLosses: context.losses.total,
      });
      // Falco ended the stream for a stop or reload (GOAWAY, OK): a reload
      // restarts its server within milliseconds, so resubscribe at once. The
      // backoff is for failures (such as that attempt finding no Falco yet),
      // and for a second graceful end in a row that brought no alert.
      if (endedByServer && context.backoff !== false && emptyEnds <= 1) {
        windowLeftMs = context.backoff.initialDelayMs;
        continue;
      }
      if (isPermanent(failure) || context.backoff === false) throw failure;
      if (!everConnected && !context.waitForServer) throw failure;
      if (windowLeftMs > 0 && !streaming && context.backoff.maxAttempts >= 1) {
        // Falco is not back yet: still within the restart window (attempt 1).
        const delayMs = Math.min(Math.max(settings.pollIntervalMs, 10), windowLeftMs);
        windowLeftMs -= delayMs;
        attempt = 1;
        status.publish({ type: "reconnecting", attempt, delayMs, error: failure });
        await sleep(delayMs, signal);
        continue;
      }
      windowLeftMs = 0;
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
