import { type Alert, AlertParseError, FalcoError, parseAlertJson } from "@falco-sdk/core";
import { type ConsumerMessages, type JsMsg, jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats, serverList } from "./connection-options.js";
import { consumerWithLeader } from "./consumer-leader.js";
import { openConsumerWhenReady } from "./fleet-consumer.js";
import { fleetPredicate, fleetSubject } from "./fleet-filter.js";
import type { SubscribeFleetOptions } from "./fleet-options.js";
import type { FleetStatus } from "./fleet-status.js";
import { consumerLeaderElectedSubject, LeaderElections } from "./leader-elections.js";
import { NatsConnectionError } from "./nats-errors.js";

/**
 * The fleet reader's named states: `idle` (nothing connected yet), `connecting`, `opening` (the
 * consumer: created, waited for, given a leader), `reading`, `closed`.
 */
export type FleetPhase = "idle" | "connecting" | "opening" | "reading" | "closed";

/** What the reader needs of its subscription. */
export interface FleetReaderParts {
  readonly options: SubscribeFleetOptions;
  readonly stream: string;
  readonly prefix: string;
  readonly report: (event: FleetStatus) => void;
  /** Aborted by `unsubscribe()`, the caller's signal, or the end of the loop. */
  readonly signal: AbortSignal;
}

/**
 * One pull consumer read alert by alert. The alert handed out is acknowledged when the next
 * is asked for (`handled()`), and asked again at once (nak) when the reader closes with it
 * still in hand: delivery is at least once.
 */
export class FleetReader {
  #phase: FleetPhase = "idle";
  #nc: NatsConnection | undefined;
  #messages: ConsumerMessages | undefined;
  #iterator: AsyncIterator<JsMsg> | undefined;
  #inHand: JsMsg | undefined;
  #inHandAlert: Alert | undefined;
  /** Acknowledgements waiting for their `ackAfter` promise. */
  readonly #acking = new Set<Promise<void>>();
  #consumer = "";
  /** The connection's close() when an abort interrupted the opening. */
  #interrupted: Promise<void> | undefined;
  readonly #matches: (alert: Alert) => boolean;

  constructor(private readonly parts: FleetReaderParts) {
    this.#matches = fleetPredicate(parts.options.filter);
    // Stop the pull first, so the acks already sent are flushed by drain() in close().
    parts.signal.addEventListener("abort", () => this.#interrupt(), { once: true });
  }

  get phase(): FleetPhase {
    return this.#phase;
  }

  /** Alerts fetched ahead of the loop, not handed out yet. */
  get pending(): number {
    return this.#messages?.getPending() ?? 0;
  }

  /** Connects and opens the consumer; resolves false when stopped meanwhile. */
  async open(): Promise<boolean> {
    const { options, stream, report, signal } = this.parts;
    if (signal.aborted) return false;
    this.#phase = "connecting";
    report({ type: "connecting", servers: serverList(options).join(", ") });
    const nc = await connectNats(options);
    this.#nc = nc;
    if (signal.aborted) return false;
    this.#phase = "opening";
    // Before the consumer exists: its first leader election may come any moment.
    const elections = new LeaderElections(nc, consumerLeaderElectedSubject(stream));
    void this.#watch(nc);
    const subject = fleetSubject(this.parts.prefix, options.filter);
    const name = await openConsumerWhenReady(nc, stream, options, subject, report, signal);
    if (name === undefined) return false;
    this.#consumer = name;
    elections.accept = (s) => s === consumerLeaderElectedSubject(stream, name);
    const consumer = await consumerWithLeader(jetstream(nc), stream, name, elections, {
      clustered: Boolean(nc.info?.cluster),
      signal,
      leaderless: () => report({ type: "waiting-for-leader", consumer: name }),
    });
    if (!consumer || signal.aborted) return false;
    this.#messages = await consumer.consume({ max_messages: options.maxBufferedAlerts ?? 64 });
    this.#iterator = this.#messages[Symbol.asyncIterator]();
    this.#phase = "reading";
    report({ type: "connected", server: nc.getServer(), consumer: name });
    return true;
  }

  /**
   * The next alert that passes the filter (non-matching ones are acked, messages that are not
   * alerts terminated and reported); undefined when the pull ended. Throws
   * `NatsConnectionError` when the connection was lost for good.
   */
  async next(): Promise<Alert | undefined> {
    const iterator = this.#iterator;
    if (!iterator) return undefined;
    for (;;) {
      const { value: msg, done } = await iterator.next();
      if (done) break;
      let alert: Alert;
      try {
        alert = parseAlertJson(msg.string());
      } catch (error) {
        msg.term();
        const parseError = error instanceof FalcoError ? error : new AlertParseError(String(error));
        this.parts.report({ type: "invalid-message", subject: msg.subject, error: parseError });
        continue;
      }
      if (!this.#matches(alert)) {
        msg.ack();
        continue;
      }
      this.#inHand = msg;
      this.#inHandAlert = alert;
      return alert;
    }
    const lost = this.#nc?.isClosed() ? await this.#nc.closed() : undefined;
    if (lost && !this.parts.signal.aborted) {
      throw new NatsConnectionError(`the NATS connection closed: ${lost.message}`, {
        cause: lost,
      });
    }
    return undefined;
  }

  /** The alert in hand was handled: acknowledges it (once `ackAfter`'s promise resolves). */
  handled(): void {
    const msg = this.#inHand;
    const alert = this.#inHandAlert;
    this.#inHand = undefined;
    this.#inHandAlert = undefined;
    if (!msg || !alert) return;
    const wait = this.parts.options.ackAfter?.(alert);
    if (wait === undefined) {
      msg.ack();
      return;
    }
    const acking: Promise<void> = wait.then(
      () => {
        if (this.#nc && !this.#nc.isClosed()) msg.ack();
      },
      // Not acknowledged: delivered again after ackWaitMs.
      () => {},
    );
    this.#acking.add(acking);
    void acking.finally(() => this.#acking.delete(acking));
  }

  /** Has the alert in hand delivered again at once, and drains the connection (flushing acks). */
  async close(): Promise<void> {
    if (this.#phase === "closed") return;
    this.#phase = "closed";
    this.#inHand?.nak();
    this.#inHand = undefined;
    this.#inHandAlert = undefined;
    // The pull's timers (heartbeats, the next pull) end with it.
    this.#messages?.stop();
    // Acknowledgements waiting for ackAfter go out before the connection drains.
    if (this.#acking.size > 0) await Promise.allSettled([...this.#acking]);
    const nc = this.#nc;
    if (this.#interrupted) {
      await this.#interrupted;
    } else if (nc && !nc.isClosed()) {
      // drain() flushes the acks sent so far; close() if it cannot.
      await nc.drain().catch(() => nc.close());
    }
  }

  #interrupt(): void {
    if (this.#phase === "closed") return;
    if (this.#messages) this.#messages.stop();
    else this.#interrupted = this.#nc?.close().catch(() => undefined);
  }

  async #watch(nc: NatsConnection): Promise<void> {
    for await (const event of nc.status()) {
      if (event.type === "disconnect") {
        this.parts.report({ type: "disconnected", server: event.server });
      } else if (event.type === "reconnect") {
        this.parts.report({ type: "connected", server: event.server, consumer: this.#consumer });
      }
    }
  }
}
