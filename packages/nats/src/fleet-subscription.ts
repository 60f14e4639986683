import {
  type Alert,
  type AlertSubscription,
  AlreadyIteratedError,
  ConfigurationError,
  FalcoError,
  type SubscriptionEnd,
} from "@falco-sdk/core";
import { EventHub } from "@falco-sdk/core/internal";
import type { SubscribeFleetOptions } from "./fleet-options.js";
import { FleetReader } from "./fleet-reader.js";
import type { FleetStatus } from "./fleet-status.js";
import { NatsConnectionError } from "./nats-errors.js";
import { DEFAULT_STREAM } from "./stream.js";
import { checkSubjectPrefix, DEFAULT_SUBJECT_PREFIX } from "./subject.js";

export { fleetSubject } from "./fleet-filter.js";

/**
 * The fleet's alerts, as every subscription of the SDK (`AlertSubscription`): `for await` it
 * once; end it with `break`, `unsubscribe()`, its `signal` or `await using`. `pending` counts
 * the alerts fetched ahead of the loop (`maxBufferedAlerts`).
 */
export type FleetSubscription = AlertSubscription<Alert, FleetStatus>;

/**
 * Reads the fleet's alerts from JetStream as the same `Alert` objects the other inputs yield,
 * through a durable (or ephemeral) pull consumer. Delivery is at least once: an alert is
 * acknowledged when the loop asks for the next one, so an alert whose handling crashed the
 * process (or is in hand when the loop ends) is delivered again; alerts fetched ahead but not
 * handed out are delivered again after `ackWaitMs`. With `ackAfter`, the acknowledgement also
 * waits for its promise (e.g. until the alert is on disk) while the loop goes on.
 */
export function subscribeFleet(options: SubscribeFleetOptions = {}): FleetSubscription {
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const prefixProblem = checkSubjectPrefix(prefix);
  if (prefixProblem) throw new ConfigurationError(prefixProblem);
  return new JetStreamFleetSubscription(options, prefix);
}

/**
 * Where the loop over a fleet subscription is: `none` (not iterated), `idle` (iterated, its
 * first `next()` not called yet), `waiting` (for the reader's next alert), `in-hand` (an alert
 * handed out, the loop handling it), `ended`.
 */
type FleetLoop = "none" | "idle" | "waiting" | "in-hand" | "ended";

/**
 * A fleet subscription: one `FleetReader` read by one loop. Not a core `QueuedSubscription`:
 * its acknowledgements follow the loop (an alert is acked when the loop asks for the next), so
 * alerts wait in the pull's own bounded buffer (`maxBufferedAlerts`), not in a second queue.
 * `unsubscribe()` with an alert in hand leaves it to the loop: its next `next()` acks it and
 * ends, a `break` or a throw has it delivered again; `await using` has it delivered again.
 */
class JetStreamFleetSubscription implements FleetSubscription {
  readonly #hub = new EventHub<FleetStatus>();
  readonly #stop = new AbortController();
  readonly #reader: FleetReader;
  #settle: (end: SubscriptionEnd) => void = () => {};
  readonly closed = new Promise<SubscriptionEnd>((resolve) => {
    this.#settle = resolve;
  });
  #loop: FleetLoop = "none";
  /** How it ended (once it has). */
  #end: SubscriptionEnd | undefined;
  /** The end the user asked for: `unsubscribe()` or the signal. */
  #requested: SubscriptionEnd | undefined;

  constructor(options: SubscribeFleetOptions, prefix: string) {
    const signal = options.signal;
    if (signal?.aborted) this.#request({ reason: "aborted" });
    signal?.addEventListener("abort", () => this.#request({ reason: "aborted" }), {
      once: true,
      signal: this.#stop.signal,
    });
    this.#reader = new FleetReader({
      options,
      stream: options.stream ?? DEFAULT_STREAM,
      prefix,
      report: (event) => this.#hub.publish(event),
      signal: this.#stop.signal,
    });
  }

  get pending(): number {
    return this.#reader.pending;
  }

  unsubscribe(): void {
    this.#request({ reason: "unsubscribed" });
  }

  status(): AsyncIterable<FleetStatus> {
    const end = this.#end;
    if (end === undefined) return this.#hub.subscribe();
    return (async function* () {
      yield { type: "closed", ...end } as FleetStatus;
    })();
  }

  [Symbol.asyncIterator](): AsyncIterator<Alert> {
    if (this.#loop !== "none") {
      throw new AlreadyIteratedError(
        "this fleet subscription is already iterated (each feeds one loop): call subscribeFleet() again for another loop",
      );
    }
    this.#loop = "idle";
    return this.#read();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.unsubscribe();
    // The loop has left it with an alert in hand: delivered again.
    if (this.#loop === "in-hand")
      await this.#release(this.#requested ?? { reason: "unsubscribed" });
    await this.closed;
  }

  #request(end: SubscriptionEnd): void {
    this.#requested ??= end;
    this.#stop.abort();
    if (this.#loop === "none" || this.#loop === "idle") void this.#release(this.#requested);
  }

  async *#read(): AsyncGenerator<Alert, void, undefined> {
    const stop = this.#stop.signal;
    let end: SubscriptionEnd = { reason: "unsubscribed" }; // `break` out of the loop
    try {
      this.#loop = "waiting";
      if (!(await this.#reader.open())) return;
      for (let alert = await this.#reader.next(); alert; alert = await this.#reader.next()) {
        this.#loop = "in-hand";
        yield alert;
        this.#loop = "waiting";
        this.#reader.handled();
        if (stop.aborted) return;
      }
      end = { reason: "completed" };
    } catch (error) {
      if (stop.aborted && !(error instanceof FalcoError)) return;
      const failure = error instanceof FalcoError ? error : new NatsConnectionError(String(error));
      end = { reason: "failed", error: failure };
      throw failure;
    } finally {
      await this.#release(end.reason === "failed" ? end : (this.#requested ?? end));
    }
  }

  /** Lets go of the connection (the alert in hand is delivered again), then ends with `end`. */
  async #release(end: SubscriptionEnd): Promise<void> {
    this.#loop = "ended";
    // Closed (and so deaf to the abort) before the abort ends whatever still waits.
    const closing = this.#reader.close();
    this.#stop.abort();
    await closing;
    if (this.#end) return;
    this.#end = end;
    this.#hub.publish({ type: "closed", ...end });
    this.#settle(end);
  }
}
