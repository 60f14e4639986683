import {
  type Alert,
  AlertParseError,
  ConfigurationError,
  compileAlertFilter,
  EventHub,
  FalcoError,
  parseAlertJson,
} from "@falco-sdk/core";
import {
  AckPolicy,
  type Consumer,
  type ConsumerConfig,
  DeliverPolicy,
  JetStreamApiError,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { type NatsConnection, nanos } from "@nats-io/nats-core";
import { connectNats, serverList } from "./connection-options.js";
import { consumerWithLeader } from "./consumer-leader.js";
import type { FleetFilter, SubscribeFleetOptions } from "./fleet-options.js";
import type { FleetStatus } from "./fleet-status.js";
import { consumerLeaderElectedSubject, LeaderElections } from "./leader-elections.js";
import { NatsConnectionError, NatsStreamError } from "./nats-errors.js";
import { asFalcoError, isTransient } from "./nats-failures.js";
import { DEFAULT_STREAM } from "./stream.js";
import {
  checkSubjectPrefix,
  DEFAULT_SUBJECT_PREFIX,
  priorityToken,
  subjectToken,
} from "./subject.js";

/** The fleet's alerts, nats.js style: `for await` it; end it with `break` or `unsubscribe()`. */
export interface FleetSubscription extends AsyncIterable<Alert> {
  /** Ends the subscription; the loop finishes without an error. */
  unsubscribe(): void;
  /** Resolves when the subscription has ended: with the error that ended it, if any. */
  readonly closed: Promise<FalcoError | undefined>;
  /** Connection and consumer events from now on; ends after "closed". */
  status(): AsyncIterable<FleetStatus>;
}

/** The consumer's filter_subject for what the subject can express (one host, source, priority). */
export function fleetSubject(prefix: string, filter: FleetFilter = {}): string {
  const one = <T>(values: readonly T[] | undefined) =>
    values && values.length === 1 ? values[0] : undefined;
  const host = one(filter.hosts);
  const source = one(filter.sources);
  let priority = one(filter.priorities);
  if (!priority && filter.minPriority === "Emergency") priority = "Emergency";
  if (host === undefined && source === undefined && priority === undefined) return `${prefix}.>`;
  return [
    prefix,
    host === undefined ? "*" : subjectToken(host),
    source === undefined ? "*" : subjectToken(source),
    priority === undefined ? "*" : priorityToken(priority),
  ].join(".");
}

function fleetPredicate(filter: FleetFilter = {}): (alert: Alert) => boolean {
  const base = compileAlertFilter(filter);
  const hosts = filter.hosts && filter.hosts.length > 0 ? new Set(filter.hosts) : undefined;
  const priorities =
    filter.priorities && filter.priorities.length > 0 ? new Set(filter.priorities) : undefined;
  return (alert) =>
    (!hosts || hosts.has(alert.hostname)) &&
    (!priorities || priorities.has(alert.priority)) &&
    (!base || base(alert));
}

function consumerConfig(options: SubscribeFleetOptions, subject: string): Partial<ConsumerConfig> {
  const start = options.start ?? "new";
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    filter_subject: subject,
    max_ack_pending: Math.max(1000, (options.maxBufferedAlerts ?? 64) * 4),
  };
  if (start instanceof Date) {
    config.deliver_policy = DeliverPolicy.StartTime;
    config.opt_start_time = start.toISOString();
  } else {
    config.deliver_policy = start === "all" ? DeliverPolicy.All : DeliverPolicy.New;
  }
  if (options.durable) config.durable_name = options.durable;
  else config.inactive_threshold = nanos(30_000);
  return config;
}

const CONSUMER_NOT_FOUND = 10014;
const STREAM_NOT_FOUND = 10059;

async function openConsumer(
  nc: NatsConnection,
  stream: string,
  options: SubscribeFleetOptions,
  subject: string,
): Promise<string> {
  const jsm = await jetstreamManager(nc);
  const config = consumerConfig(options, subject);
  try {
    if (options.durable) {
      try {
        await jsm.consumers.info(stream, options.durable);
        return options.durable; // an existing durable keeps its position and settings
      } catch (error) {
        if (!(error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND)) throw error;
      }
    }
    const info = await jsm.consumers.add(stream, config);
    return info.name;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) {
      throw new NatsStreamError(
        `there is no stream ${stream} on this NATS: start a forwarder (falco-alerts forward), ` +
          "which creates it, or name the right stream (--stream)",
        { cause: error },
      );
    }
    if (error instanceof JetStreamApiError) {
      throw new NatsStreamError(
        `JetStream refused the consumer on ${stream}: ${error.message} (code ${error.code})`,
        { cause: error },
      );
    }
    throw error;
  }
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
  const stream = options.stream ?? DEFAULT_STREAM;
  const subject = fleetSubject(prefix, options.filter);
  const matches = fleetPredicate(options.filter);
  const hub = new EventHub<FleetStatus>();
  const stop = new AbortController();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  let settle: (error: FalcoError | undefined) => void = () => {};
  const closed = new Promise<FalcoError | undefined>((resolve) => {
    settle = resolve;
  });
  let started = false;

  async function* run(): AsyncGenerator<Alert, void, undefined> {
    let nc: NatsConnection | undefined;
    let pending: JsMsg | undefined;
    let failure: FalcoError | undefined;
    let finishing = false;
    try {
      if (stop.signal.aborted) return;
      hub.publish({ type: "connecting", servers: serverList(options).join(", ") });
      nc = await connectNats(options);
      const connection = nc;
      let messages: Awaited<ReturnType<Consumer["consume"]>> | undefined;
      // Before the consumer exists: its first leader election may come any moment.
      const elections = new LeaderElections(connection, consumerLeaderElectedSubject(stream));
      // Stop the pull first, so the acks already sent are flushed by drain() below.
      stop.signal.addEventListener(
        "abort",
        () => {
          if (finishing) return;
          if (messages) messages.stop();
          else void connection.close();
        },
        { once: true },
      );
      let name = "";
      void (async () => {
        for await (const event of connection.status()) {
          if (event.type === "disconnect")
            hub.publish({ type: "disconnected", server: event.server });
          if (event.type === "reconnect") {
            hub.publish({ type: "connected", server: event.server, consumer: name });
          }
        }
      })();
      for (let waited = false; ; waited = true) {
        try {
          name = await openConsumer(connection, stream, options, subject);
          break;
        } catch (error) {
          const missing =
            error instanceof NatsStreamError &&
            error.code === "nats-stream" &&
            error.cause instanceof JetStreamApiError &&
            error.cause.code === STREAM_NOT_FOUND;
          // JetStream not ready (a cluster electing a leader after losing a node): retry.
          const transient = isTransient(error);
          if (!transient && (!missing || !options.waitForStream)) throw error;
          if (transient) {
            hub.publish({ type: "retrying", error: asFalcoError(error), delayMs: 500 });
          } else if (!waited) {
            hub.publish({ type: "waiting-for-stream", stream });
          }
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 500);
            stop.signal.addEventListener(
              "abort",
              () => {
                clearTimeout(timer);
                resolve();
              },
              { once: true },
            );
          });
          if (stop.signal.aborted) return;
        }
      }
      const consumerName = name;
      elections.accept = (subject) =>
        subject === consumerLeaderElectedSubject(stream, consumerName);
      const consumer = await consumerWithLeader(jetstream(connection), stream, name, elections, {
        clustered: Boolean(connection.info?.cluster),
        signal: stop.signal,
        leaderless: () => hub.publish({ type: "waiting-for-leader", consumer: consumerName }),
      });
      if (!consumer || stop.signal.aborted) return;
      messages = await consumer.consume({ max_messages: options.maxBufferedAlerts ?? 64 });
      hub.publish({ type: "connected", server: connection.getServer(), consumer: name });
      for await (const msg of messages) {
        let alert: Alert;
        try {
          alert = parseAlertJson(msg.string());
        } catch (error) {
          msg.term();
          const parseError =
            error instanceof FalcoError ? error : new AlertParseError(String(error));
          hub.publish({ type: "invalid-message", subject: msg.subject, error: parseError });
          continue;
        }
        if (!matches(alert)) {
          msg.ack();
          continue;
        }
        pending = msg;
        yield alert;
        pending = undefined;
        msg.ack();
        if (stop.signal.aborted) return;
      }
      const lost = connection.isClosed() ? await connection.closed() : undefined;
      if (lost && !stop.signal.aborted) {
        failure = new NatsConnectionError(`the NATS connection closed: ${lost.message}`, {
          cause: lost,
        });
        throw failure;
      }
    } catch (error) {
      if (stop.signal.aborted && !(error instanceof FalcoError)) return;
      failure = error instanceof FalcoError ? error : new NatsConnectionError(String(error));
      throw failure;
    } finally {
      finishing = true;
      // The alert in hand was not finished: have it delivered again at once.
      pending?.nak();
      stop.abort();
      if (nc && !nc.isClosed()) {
        // drain() flushes the acks sent so far; close() if it cannot.
        await nc.drain().catch(() => nc?.close());
      }
      hub.publish({ type: "closed", error: failure });
      settle(failure);
    }
  }

  return {
    unsubscribe: () => {
      stop.abort();
      if (!started) {
        hub.publish({ type: "closed" });
        settle(undefined);
      }
    },
    closed,
    status: () => hub.subscribe(),
    [Symbol.asyncIterator]() {
      if (started) throw new TypeError("a fleet subscription can be iterated once");
      started = true;
      return run();
    },
  };
}
