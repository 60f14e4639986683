import { type Alert, ConfigurationError, EventHub, FalcoError } from "@falco-sdk/core";
import type { SubscribeFleetOptions } from "./fleet-options.js";
import { FleetReader } from "./fleet-reader.js";
import type { FleetStatus } from "./fleet-status.js";
import { NatsConnectionError } from "./nats-errors.js";
import { DEFAULT_STREAM } from "./stream.js";
import { checkSubjectPrefix, DEFAULT_SUBJECT_PREFIX } from "./subject.js";

export { fleetSubject } from "./fleet-filter.js";

/** The fleet's alerts, nats.js style: `for await` it; end it with `break` or `unsubscribe()`. */
export interface FleetSubscription extends AsyncIterable<Alert> {
  /** Ends the subscription; the loop finishes without an error. */
  unsubscribe(): void;
  /** Resolves when the subscription has ended: with the error that ended it, if any. */
  readonly closed: Promise<FalcoError | undefined>;
  /** Connection and consumer events from now on; ends after "closed". */
  status(): AsyncIterable<FleetStatus>;
}

/**
 * Reads the fleet's alerts from JetStream as the same `Alert` objects the other inputs yield,
 * through a durable (or ephemeral) pull consumer. Delivery is at least once: an alert is
 * acknowledged when the loop asks for the next one, so an alert whose handling crashed the
 * process (or is in hand when the loop ends) is delivered again; alerts fetched ahead but not
 * handed out are delivered again after `ackWaitMs`.
 */
export function subscribeFleet(options: SubscribeFleetOptions = {}): FleetSubscription {
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const prefixProblem = checkSubjectPrefix(prefix);
  if (prefixProblem) throw new ConfigurationError(prefixProblem);
  return new JetStreamFleetSubscription(options, prefix);
}

/** A fleet subscription: one `FleetReader` read by one loop. */
class JetStreamFleetSubscription implements FleetSubscription {
  readonly #hub = new EventHub<FleetStatus>();
  readonly #stop = new AbortController();
  readonly #reader: FleetReader;
  #settle: (error: FalcoError | undefined) => void = () => {};
  readonly closed = new Promise<FalcoError | undefined>((resolve) => {
    this.#settle = resolve;
  });
  #started = false;

  constructor(options: SubscribeFleetOptions, prefix: string) {
    const signal = options.signal;
    if (signal?.aborted) this.#stop.abort();
    signal?.addEventListener("abort", () => this.#stop.abort(), {
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

  unsubscribe(): void {
    this.#stop.abort();
    if (!this.#started) this.#end(undefined);
  }

  status(): AsyncIterable<FleetStatus> {
    return this.#hub.subscribe();
  }

  [Symbol.asyncIterator](): AsyncIterator<Alert> {
    if (this.#started) throw new TypeError("a fleet subscription can be iterated once");
    this.#started = true;
    return this.#read();
  }

  async *#read(): AsyncGenerator<Alert, void, undefined> {
    const stop = this.#stop.signal;
    let failure: FalcoError | undefined;
    try {
      if (!(await this.#reader.open())) return;
      for (let alert = await this.#reader.next(); alert; alert = await this.#reader.next()) {
        yield alert;
        this.#reader.handled();
        if (stop.aborted) return;
      }
    } catch (error) {
      if (stop.aborted && !(error instanceof FalcoError)) return;
      failure = error instanceof FalcoError ? error : new NatsConnectionError(String(error));
      throw failure;
    } finally {
      // Closed (and so deaf to the abort) before the abort ends whatever still waits.
      const closing = this.#reader.close();
      this.#stop.abort();
      await closing;
      this.#end(failure);
    }
  }

  #end(failure: FalcoError | undefined): void {
    this.#hub.publish({ type: "closed", error: failure });
    this.#settle(failure);
  }
}
