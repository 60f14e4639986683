import {
  type Alert,
  type AlertSubscription,
  type FalcoError,
  QueuedSubscription,
  type SubscriptionEnd,
  sleep,
} from "@falco-sdk/core";
import { type EventHub, linkedAbortController } from "@falco-sdk/core/internal";
import { AlertStream } from "./alert-stream.js";
import type { AlertStreamEnd, AlertStreamSettings } from "./alert-stream-settings.js";
import type { SubscribeOptions } from "./client-options.js";
import type { ClientStatus, FalcoSubscriptionStatus } from "./client-status.js";
import { openConnection } from "./connection.js";
import { formatEndpoint } from "./endpoint.js";
import { diagnoseCallError } from "./error-mapping.js";
import { ConnectionError, SubscriptionStarvedError } from "./errors.js";
import { ReconnectPolicy } from "./reconnect-policy.js";
import { type ClientSettings, resolveSubscribeOptions } from "./resolve-options.js";

export type { AlertSubscription };

/**
 * What `FalcoClient.subscribe()` returns: an {@link AlertSubscription} whose `status()` tells
 * this subscription's connection events (the client's `status()` tells those of all of them).
 */
export interface FalcoSubscription extends AlertSubscription<Alert, FalcoSubscriptionStatus> {
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

type ConnectionEvent = Exclude<FalcoSubscriptionStatus, { type: "closed" } | { type: "dropped" }>;

export function createSubscription(
  context: SubscriptionContext,
  options: SubscribeOptions,
): FalcoSubscription {
  return new ClientSubscription(context, options);
}

/**
 * A subscription of a `FalcoClient`: from its first iteration, it connects, streams alerts
 * into its queue ({@link AlertStream}), hands what a stream received over before it
 * reconnects, and follows its {@link ReconnectPolicy} after each disconnection, until it is
 * ended (`"unsubscribed"`, `"aborted"` by its signal or the client's `close()`) or the policy
 * gives up (`"failed"`: the loop throws the last failure).
 */
class ClientSubscription
  extends QueuedSubscription<Alert, ConnectionEvent>
  implements FalcoSubscription
{
  readonly #context: SubscriptionContext;
  readonly #settings: AlertStreamSettings;
  readonly #stop: AbortController;
  #running: Promise<void> = Promise.resolve();

  constructor(context: SubscriptionContext, options: SubscribeOptions) {
    super();
    this.#context = context;
    this.#stop = linkedAbortController(context.closed, options.signal);
    this.#settings = {
      ...resolveSubscribeOptions(options),
      versionTimeoutMs: context.versionTimeoutMs,
      livenessCheckEveryMs: context.livenessCheckEveryMs,
      onStarved: (starved) => {
        const display = formatEndpoint(context.endpoint);
        this.#report(
          starved
            ? { type: "starved", error: new SubscriptionStarvedError(display) }
            : { type: "connected", endpoint: display },
        );
      },
      onDiscarded: (count) => this.countDropped(count),
    };
    const stopped = () => this.finish({ reason: "aborted" });
    if (this.#stop.signal.aborted) stopped();
    else this.#stop.signal.addEventListener("abort", stopped, { once: true });
  }

  protected override onStart(): void {
    this.#running = this.#run().then(
      (end) => this.finish(end),
      (error: unknown) => this.finish({ reason: "failed", error: error as FalcoError }),
    );
  }

  protected override onEnd(): Promise<void> {
    this.#stop.abort();
    return this.#running;
  }

  /** Also reports the drop in the client's `status()`, with the client's total. */
  protected override reportDropped(count: number, total: number): void {
    super.reportDropped(count, total);
    const drops = this.#context.drops;
    drops.total += count;
    this.#context.status.publish({ type: "dropped", count, total: drops.total });
  }

  /** A connection event, in this subscription's `status()` and in the client's. */
  #report(event: ConnectionEvent): void {
    this.#context.status.publish(event);
    this.publish(event);
  }

  /** Connects, streams and reconnects until ended; resolves with how it ended. */
  async #run(): Promise<SubscriptionEnd> {
    const context = this.#context;
    const { endpoint } = context;
    const display = formatEndpoint(endpoint);
    const signal = this.#stop.signal;
    const policy = new ReconnectPolicy(
      context.backoff,
      context.waitForServer,
      this.#settings.pollIntervalMs,
    );
    while (!signal.aborted) {
      this.#report({ type: "connecting", endpoint: display });
      const connection = openConnection(endpoint, context.tls);
      let streaming = false;
      let outcome: { readonly end: AlertStreamEnd } | { readonly error: unknown };
      try {
        await connection.version.version({}, { timeoutMs: context.versionTimeoutMs, signal });
        policy.connected();
        this.#report({ type: "connected", endpoint: display });
        streaming = true;
        const stream = new AlertStream(connection, this.#settings, this.queue);
        outcome = { end: await stream.run(signal) };
      } catch (error) {
        outcome = { error };
      } finally {
        connection.close();
      }
      // What this stream received is handed over before the subscription moves on.
      if (!signal.aborted) await this.queue.whenBelow(1);
      if (signal.aborted) break;
      const end = "end" in outcome ? outcome.end : undefined;
      const endedByServer = end !== undefined;
      const failure =
        "error" in outcome
          ? await diagnoseCallError(outcome.error, endpoint, context.tls, !streaming)
          : new ConnectionError(
              "Falco ended the alert stream (it is stopping, or reloading its rules or configuration)",
            );
      if (signal.aborted) break;
      // Falco pops an alert before writing it: a stream that broke (rather than
      // ended with OK) may have taken alerts with it. One Falco stop ends a
      // draining stream with at most one alert lost (see AlertStream).
      const alertsMayHaveBeenLost = streaming && (end === undefined || end.alertsMayHaveBeenLost);
      if (alertsMayHaveBeenLost) context.losses.total++;
      this.#report({
        type: "disconnected",
        error: failure,
        alertsMayHaveBeenLost,
        possibleLosses: context.losses.total,
      });
      const decision = policy.decide({
        failure,
        endedByServer,
        streaming,
        received: end?.received ?? 0,
      });
      if (decision.action === "give-up") return { reason: "failed", error: failure };
      if (decision.action === "resubscribe") continue;
      const { attempt, delayMs } = decision;
      this.#report({ type: "reconnecting", attempt, delayMs, error: failure });
      await sleep(delayMs, signal);
    }
    return this.end ?? { reason: "aborted" };
  }
}
