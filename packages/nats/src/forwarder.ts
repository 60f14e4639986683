import { type Alert, ConfigurationError, EventHub, type FalcoError } from "@falco-sdk/core";
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { errors, type NatsConnection } from "@nats-io/nats-core";
import { encodeAlert } from "./alert-message.js";
import { Backlog, type OutgoingAlert } from "./backlog.js";
import { connectNats, serverList } from "./connection-options.js";
import type { NatsForwarderOptions } from "./forwarder-options.js";
import type { ForwarderStats, ForwarderStatus } from "./forwarder-status.js";
import { LeaderElections, streamLeaderElectedSubject } from "./leader-elections.js";
import { AlertTooLargeError, NatsConnectionError } from "./nats-errors.js";
import {
  asFalcoError,
  asFalcoErrorFromClose,
  isNoResponders,
  isTransient,
  permissionError,
  sleep,
} from "./nats-failures.js";
import { readSource } from "./read-source.js";
import { ensureStream, type ResolvedStream, resolveStream } from "./stream.js";
import { checkSubjectPrefix, DEFAULT_SUBJECT_PREFIX } from "./subject.js";

/** Forwards alerts into a JetStream stream; see `createNatsForwarder`. */
export interface NatsForwarder extends AsyncDisposable {
  /**
   * Reads `alerts` (a client subscription, an http receiver's `alerts()`, a relay, any
   * AsyncIterable) into the backlog and publishes each in order, waiting for its ack.
   * Resolves when the source has ended and every alert from it was acknowledged, dropped or
   * rejected; rejects when the forwarder cannot work (credentials refused, TLS, stream).
   * Several sources may be forwarded at once.
   */
  forward(alerts: AsyncIterable<Alert>, options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** Counters: received, published, duplicates, dropped, rejected, backlog. */
  stats(): ForwarderStats;
  /** Connection, retry, drop and reject events from now on; ends after "closed". */
  status(): AsyncIterable<ForwarderStatus>;
  /**
   * Waits up to `timeoutMs` for the backlog to be published, then closes the connection.
   * What is still in the backlog then is reported by `stats().backlog`. @default timeoutMs 5000
   */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

/**
 * Creates a forwarder into NATS JetStream. Nothing connects until `forward()` is called.
 * Each alert is published as Falco's own JSON alert to
 * `<subjectPrefix>.<hostname>.<source>.<priority>` with `Nats-Msg-Id` = its stable id
 * (`alertMessageId`), so a re-sent alert is dropped by the stream's duplicate window.
 */
export function createNatsForwarder(options: NatsForwarderOptions = {}): NatsForwarder {
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
  const prefixProblem = checkSubjectPrefix(prefix);
  if (prefixProblem) throw new ConfigurationError(prefixProblem);
  const stream: ResolvedStream = resolveStream(options.stream, prefix);
  const maxBacklog = options.maxBacklog ?? 10_000;
  if (!(maxBacklog >= 1)) throw new ConfigurationError("maxBacklog must be at least 1");
  const ackTimeoutMs = options.ackTimeoutMs ?? 5000;
  const waitWhenFull = options.whenBacklogFull === "wait";
  const baseDelayMs = options.retryDelayMs ?? 1000;
  const maxDelayMs = Math.max(baseDelayMs, options.maxRetryDelayMs ?? 5000);
  const servers = serverList(options).join(", ");
  const hub = new EventHub<ForwarderStatus>();
  const backlog = new Backlog(maxBacklog);
  const counts = { received: 0, published: 0, duplicates: 0, rejected: 0 };
  let droppingSince: number | undefined;
  let closing = false;
  let closed = false;
  let fatal: FalcoError | undefined;
  let nc: NatsConnection | undefined;
  let connected = false;
  let connectedWake: (() => void) | undefined;
  let connectedSignal = new Promise<void>((r) => {
    connectedWake = r;
  });
  const closeController = new AbortController();
  let running: Promise<void> | undefined;

  const setConnected = (value: boolean) => {
    connected = value;
    if (value) {
      connectedWake?.();
    } else {
      connectedSignal = new Promise<void>((r) => {
        connectedWake = r;
      });
    }
  };

  const stats = (): ForwarderStats => ({
    ...counts,
    dropped: backlog.dropped,
    backlog: backlog.size,
  });

  const fail = (error: FalcoError) => {
    fatal ??= error;
    endForwarding();
    backlog.wake();
  };

  async function connectLoop(): Promise<NatsConnection> {
    for (let attempt = 1; ; attempt++) {
      hub.publish({ type: "connecting", servers });
      try {
        return await connectNats(options);
      } catch (error) {
        const failure = error as FalcoError;
        if (!(failure instanceof NatsConnectionError) || !options.waitForServer || closing) {
          throw failure;
        }
        const delayMs = backoff(attempt);
        hub.publish({ type: "publish-failed", error: failure, backlog: backlog.size, delayMs });
        await sleep(delayMs, closedPromise);
        if (closing) throw failure;
      }
    }
  }

  const closedPromise = new Promise<void>((resolve) => {
    closeController.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  let endForwarding: () => void = () => {};
  /** Resolves when the forwarder failed for good or closed. */
  const ended = new Promise<void>((resolve) => {
    endForwarding = resolve;
  });

  function backoff(attempt: number): number {
    const delay = Math.min(baseDelayMs * 1.6 ** (attempt - 1), maxDelayMs);
    return Math.round(delay * (0.8 + Math.random() * 0.4));
  }

  async function watchStatus(connection: NatsConnection): Promise<void> {
    for await (const event of connection.status()) {
      if (event.type === "disconnect") {
        setConnected(false);
        hub.publish({ type: "disconnected", server: event.server });
      } else if (event.type === "reconnect") {
        setConnected(true);
        hub.publish({ type: "connected", server: event.server });
      } else if (event.type === "error" && event.error instanceof errors.AuthorizationError) {
        hub.publish({
          type: "publish-failed",
          error: asFalcoError(event.error),
          backlog: backlog.size,
          delayMs: 0,
        });
      }
    }
  }

  async function publishOne(js: JetStreamClient, item: OutgoingAlert): Promise<void> {
    const ack = await js.publish(item.subject, item.body, {
      msgID: item.id,
      timeout: ackTimeoutMs,
    });
    counts.published++;
    if (ack.duplicate) counts.duplicates++;
  }

  async function run(): Promise<void> {
    const connection = await connectLoop();
    nc = connection;
    setConnected(true);
    hub.publish({ type: "connected", server: connection.getServer() });
    void watchStatus(connection);
    void connection.closed().then((error) => {
      setConnected(false);
      if (!closing) {
        fail(
          error instanceof Error
            ? asFalcoErrorFromClose(error, servers)
            : new NatsConnectionError("the NATS connection closed"),
        );
      }
    });
    const jsm = await jetstreamManager(connection, { checkAPI: false });
    // A publish (or the stream's creation) that found no stream leader is retried when
    // JetStream elects one.
    const elections = new LeaderElections(connection, streamLeaderElectedSubject(stream.name));
    await prepareStream(jsm, elections);
    hub.publish({ type: "ready", stream: stream.name, server: connection.getServer() });
    const js = jetstream(connection);
    let checkingStream = false;
    let failures = 0;
    while (!closed && !fatal) {
      const item = backlog.peek();
      if (!item) {
        if (droppingSince !== undefined) reportDropsEnded();
        await backlog.changed();
        continue;
      }
      if (!connected) {
        await Promise.race([connectedSignal, closedPromise, backlog.changed()]);
        continue;
      }
      const maxPayload = connection.info?.max_payload ?? Number.POSITIVE_INFINITY;
      // Headers (Nats-Msg-Id) count against max_payload too.
      if (item.body.length + item.id.length + 40 > maxPayload) {
        reject(item, new AlertTooLargeError(item.body.length, maxPayload));
        continue;
      }
      const electionsBefore = elections.count;
      try {
        backlog.inFlight = item;
        await publishOne(js, item);
        if (backlog.peek() === item) backlog.shift();
        failures = 0;
        if (droppingSince !== undefined && backlog.size < maxBacklog) reportDropsEnded();
      } catch (error) {
        if (closed) return;
        if (error instanceof errors.InvalidArgumentError && /max_payload/.test(error.message)) {
          reject(item, new AlertTooLargeError(item.body.length, maxPayload, { cause: error }));
          continue;
        }
        if (error instanceof errors.PermissionViolationError) {
          reject(item, permissionError(error));
          continue;
        }
        failures++;
        const delayMs = backoff(failures);
        hub.publish({
          type: "publish-failed",
          error: asFalcoError(error),
          backlog: backlog.size,
          delayMs,
        });
        if (isNoResponders(error) && options.createStream !== false && connected) {
          // No stream leader: JetStream is electing one, or the stream was deleted (then this
          // creates it). Not awaited: while there is no leader, the check's request waits for
          // JetStream's API timeout, and the election's advisory ends the wait sooner.
          if (!checkingStream) {
            checkingStream = true;
            void ensureStream(jsm, stream)
              .catch(() => undefined)
              .finally(() => {
                checkingStream = false;
              });
          }
        }
        // Retry at once when a lost connection comes back or the stream elects a leader;
        // otherwise after the delay.
        const wake = connected
          ? Promise.race([closedPromise, elections.after(electionsBefore)])
          : Promise.race([closedPromise, connectedSignal]);
        await sleep(delayMs, wake);
        if (elections.count > electionsBefore && connected) {
          // A new leader: the next failure waits the first delay again. JetStream sends the
          // advisory just before the leader subscribes to the stream's subjects: one round
          // trip to the server lets that subscription arrive first.
          failures = 0;
          await connection.flush().catch(() => undefined);
        }
      }
    }
  }

  /**
   * Creates the stream when missing, retrying while JetStream is not ready (a cluster electing
   * its leader, a restarting server); alerts meanwhile wait in the backlog.
   */
  async function prepareStream(jsm: JetStreamManager, elections: LeaderElections): Promise<void> {
    if (options.createStream === false) return;
    for (let attempt = 1; !closing; attempt++) {
      const electionsBefore = elections.count;
      try {
        await ensureStream(jsm, stream);
        return;
      } catch (error) {
        if (!isTransient(error)) throw error;
        const delayMs = backoff(attempt);
        hub.publish({
          type: "publish-failed",
          error: asFalcoError(error),
          backlog: backlog.size,
          delayMs,
        });
        await sleep(delayMs, Promise.race([closedPromise, elections.after(electionsBefore)]));
      }
    }
  }

  function reject(item: OutgoingAlert, error: FalcoError): void {
    if (backlog.peek() === item) backlog.shift();
    counts.rejected++;
    hub.publish({ type: "rejected", error, id: item.id });
  }

  function reportDropsEnded(): void {
    const count = backlog.dropped - (droppingSince ?? 0);
    droppingSince = undefined;
    hub.publish({ type: "dropped", count, total: backlog.dropped });
  }

  function start(): Promise<void> {
    running ??= run().catch((error: unknown) => {
      fail(asFalcoError(error));
    });
    return running;
  }

  function accept(alert: Alert): void {
    counts.received++;
    if (backlog.push(encodeAlert(prefix, alert)) && droppingSince === undefined) {
      droppingSince = backlog.dropped - 1;
      hub.publish({ type: "dropping", capacity: maxBacklog });
    }
  }

  async function drained(): Promise<void> {
    // fail() and close() wake the backlog's waiters too.
    while (backlog.size > 0 && !fatal && !closed) await backlog.changed();
  }

  return {
    async forward(alerts, forwardOptions = {}) {
      if (closing) throw new ConfigurationError("this forwarder is closed");
      const runningNow = start();
      await readSource(alerts, {
        accept,
        signal: forwardOptions.signal,
        stopWhen: [ended, runningNow],
        roomOrStop: waitWhenFull && (() => backlog.size < maxBacklog || backlog.changed()),
        keepLate: () => !closed,
      });
      if (fatal) throw fatal;
      await drained();
      if (fatal) throw fatal;
    },
    stats,
    status: () => hub.subscribe(),
    async close(closeOptions = {}) {
      if (closing) return;
      closing = true;
      const timeoutMs = closeOptions.timeoutMs ?? 5000;
      if (nc && connected && !fatal) {
        await Promise.race([drained(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      }
      closed = true;
      closeController.abort();
      endForwarding();
      backlog.wake();
      await nc?.close().catch(() => undefined);
      hub.publish({ type: "closed", error: fatal });
    },
    [Symbol.asyncDispose]() {
      return this.close();
    },
  };
}
