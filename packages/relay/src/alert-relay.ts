import { setMaxListeners } from "node:events";

import {
  type Alert,
  type AlertSubscription,
  ConfigurationError,
  formatAlertJson,
  sleep,
} from "@falco-sdk/core";

import { EventHub } from "@falco-sdk/core/internal";
import type { Http2Listener, RejectionListener } from "@falco-sdk/grpc-server";
import type { AlertStore } from "@falco-sdk/store";
import { IntakeJournal } from "./intake-journal.js";
import { createLocalSubscription, type RelaySubscribeOptions } from "./local-subscription.js";
import { DEFAULT_MIN_WRITE_INTERVAL_MS } from "./outputs-call.js";
import { RelayClosedError } from "./relay-errors.js";
import { listenRelay } from "./relay-listener.js";
import type { AlertRelayOptions, RelayListenOptions, RelaySource } from "./relay-options.js";
import { createRelayRequestHandler } from "./relay-request-handler.js";
import type { RelayStats } from "./relay-stats.js";
import type { RelayStatus } from "./relay-status.js";
import type { RelayCallContext } from "./relay-version-service.js";
import { StoreWriteThrough } from "./store-write-through.js";
import { type SourceCounter, SubscriberRegistry } from "./subscriber-registry.js";
import { UpstreamVersion } from "./upstream-version.js";

/** A gRPC listener of the relay. */
export interface RelayListener {
  /** Where clients connect: `unix:///path` or `host:port`. */
  readonly endpoint: string;
}

/** A running relay. Create it with `createAlertRelay()`. */
export interface AlertRelay extends AsyncDisposable {
  /**
   * Serves Falco's gRPC outputs and version API on a unix socket (mode 0660 by default),
   * TCP with mutual TLS, or plaintext TCP with `insecurePlaintext: true`. Callable
   * several times (one listener per address).
   * @throws ConfigurationError for plaintext TCP without the opt-in or incomplete TLS
   * @throws ListenError when the address cannot be bound
   */
  listen(options: RelayListenOptions): Promise<RelayListener>;
  /** Every alert from now on, in-process, from its own queue of `maxQueued` alerts. */
  subscribe(options?: RelaySubscribeOptions): AlertSubscription;
  /**
   * The `store` option: every alert the relay received is in it (appended before any
   * subscriber got it), for a query API or readers that resume from a cursor. Undefined
   * without one.
   */
  readonly store: AlertStore | undefined;
  /**
   * Resolves once every alert the relay received so far is in its `store` (what waits is
   * appended at the end of this event-loop turn, without waiting for `storeBatchMs`); rejects
   * with a `RelayStoreError` when their append failed. At once without a store. For sources that
   * acknowledge upstream: acknowledge an alert once this resolves (e.g. `subscribeFleet({
   * ackAfter: () => relay.whenStored() })` of `@falco-sdk/nats`), and a failed append leaves it
   * to be delivered again.
   */
  whenStored(): Promise<void>;
  /**
   * Counters: received per source, delivered and dropped per subscriber, totals, refused
   * requests, and with a `store` what was stored and what the store refused (`store`).
   */
  stats(): RelayStats;
  /**
   * An input that hands its alerts to the relay (an `HttpAlertReceiver`'s `handOff` option):
   * with an `intakeJournal`, each alert's line is in the journal once this returns, so answer
   * the sender after it. Each call adds a source named `name`. The function returns a promise
   * when the store is behind (more than `MAX_IN_FLIGHT` alerts not stored yet): answer the sender
   * once it resolves, so that memory stays bounded.
   * @throws RelayJournalError when the journal write failed (answer the sender with an error:
   *   the receiver answers 500); RelayClosedError after `close()`.
   */
  intake(name: string): (line: Buffer, alert: Alert) => Promise<void> | undefined;
  /** Relay events from now on, until `close()`. Each call gives a new iterable. */
  status(): AsyncIterable<RelayStatus>;
  /**
   * Ends every gRPC call (OK) and in-process subscription, stops listening (socket files
   * are removed) and stops reading the sources (calls their `unsubscribe()`). Calls whose
   * client stopped reading get `stopGraceMs`, then their connections are destroyed.
   */
  close(): Promise<void>;
}

function checkedWriteInterval(ms: number | undefined): number {
  if (ms === undefined) return DEFAULT_MIN_WRITE_INTERVAL_MS;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new ConfigurationError(
      `minWriteIntervalMs must be a number of milliseconds >= 0 (0: answer every poll at once), got ${ms}`,
    );
  }
  return ms;
}

/**
 * Creates a relay that reads every source, merges their alerts, and hands each
 * alert to every subscriber (gRPC `sub`/`get` callers and in-process
 * subscriptions), each from its own bounded queue.
 */
export function createAlertRelay(options: AlertRelayOptions): AlertRelay {
  const maxQueued = Math.max(1, options.maxQueued ?? 10_000);
  const stopGraceMs = options.stopGraceMs ?? 1000;
  const status = new EventHub<RelayStatus>();
  const registry = new SubscriberRegistry(maxQueued, status);
  const version = new UpstreamVersion(options.sources, options.version);
  const closing = new AbortController();
  // Every open call listens to it (removed when the call ends): no listener limit.
  setMaxListeners(0, closing.signal);
  const context: RelayCallContext = {
    registry,
    version,
    stopSignal: closing.signal,
    minWriteIntervalMs: checkedWriteInterval(options.minWriteIntervalMs),
  };
  const handler = createRelayRequestHandler(context);
  const listeners: Http2Listener[] = [];
  let rejectedRequests = 0;
  const onRejected: RejectionListener = (rejection) => {
    rejectedRequests++;
    status.publish({ type: "request-rejected", ...rejection });
  };
  let closed: Promise<void> | undefined;
  if (options.intakeJournal !== undefined && options.store === undefined) {
    throw new ConfigurationError("intakeJournal needs a store: give the store option too");
  }
  const journal =
    options.store && options.intakeJournal !== undefined
      ? IntakeJournal.open(options.store, options.intakeJournal)
      : undefined;
  const writer =
    options.store === undefined
      ? undefined
      : new StoreWriteThrough(
          options.store,
          (source, alert) => registry.publish(source, alert),
          status,
          options.storeBatchMs ?? 10,
          journal,
        );
  if (journal) {
    const { replayed, dropped } = journal.replay;
    // Next turn: the creator subscribes to status() first.
    setImmediate(() => status.publish({ type: "journal-replayed", replayed, dropped }));
  }

  /** Journals the alert read from a source (a failed write is counted; the alert goes on). */
  function journaled(alert: Alert): number | undefined {
    if (journal === undefined) return undefined;
    try {
      return writer?.journal(formatAlertJson(alert));
    } catch {
      return undefined;
    }
  }

  for (const source of options.sources) {
    const counter = registry.addSource(source.name);
    readSource(source, counter);
  }

  function readSource(source: RelaySource, counter: SourceCounter): void {
    (async () => {
      let error: unknown;
      try {
        for await (const alert of source.alerts) {
          if (closing.signal.aborted) break;
          if (writer === undefined) registry.publish(counter, alert);
          else {
            writer.add(counter, alert, journaled(alert));
            // The store is behind: read on once it caught up (the source's queue holds, and
            // counts what it drops).
            if (writer.full) await writer.whenRoom();
            // Asking for the next alert acknowledges this one upstream: only once stored (a
            // failure is reported as store-failed; the source goes on).
            if (source.acknowledgesOnNext) await writer.whenStored(true).catch(() => {});
          }
        }
      } catch (failure) {
        error = failure;
      } finally {
        counter.active = false;
      }
      if (!closing.signal.aborted) {
        status.publish(
          error === undefined
            ? { type: "source-ended", source: source.name }
            : { type: "source-ended", source: source.name, error },
        );
      }
    })();
    if (source.status !== undefined) {
      const events = source.status;
      (async () => {
        for await (const event of events) {
          if (event.type === "connected") version.invalidate();
          status.publish({ type: "source-status", source: source.name, event });
          if (closing.signal.aborted) break;
        }
      })().catch(() => {});
    }
  }

  async function closeNow(): Promise<void> {
    closing.abort();
    // What was received is stored and delivered before the subscribers are ended.
    await writer?.flush();
    // In-process loops take what is queued for them, then end.
    registry.detachAll({ reason: "completed" }, "local");
    for (const listener of listeners) listener.beginClose();
    for (const source of options.sources) source.alerts.unsubscribe?.();
    const finished = Promise.all([
      registry.whenEmpty(),
      ...listeners.map((listener) => listener.closed),
    ]);
    const graceOver = new AbortController();
    await Promise.race([finished, sleep(stopGraceMs, graceOver.signal)]);
    graceOver.abort(); // clears the grace timer when the calls ended first
    for (const listener of listeners) listener.destroy();
    registry.detachAll();
    await Promise.all(listeners.map((listener) => listener.closed));
    journal?.close();
    status.publish({ type: "closed" });
  }

  const relay: AlertRelay = {
    async listen(listenOptions) {
      if (closing.signal.aborted) throw new RelayClosedError("listen()");
      const listener = await listenRelay(listenOptions, handler, onRejected);
      if (closing.signal.aborted) {
        listener.destroy();
        throw new RelayClosedError("listen()");
      }
      listeners.push(listener);
      status.publish({ type: "listening", endpoint: listener.endpoint });
      return { endpoint: listener.endpoint };
    },
    subscribe(subscribeOptions = {}) {
      if (closing.signal.aborted) throw new RelayClosedError("subscribe()");
      return createLocalSubscription(registry, subscribeOptions);
    },
    store: options.store,
    whenStored: () => writer?.whenStored(true) ?? Promise.resolve(),
    stats: () => ({
      ...registry.stats(),
      rejectedRequests,
      ...(writer && { store: writer.stats() }),
    }),
    intake(name) {
      const counter = registry.addSource(name);
      return (line, alert) => {
        if (closing.signal.aborted) throw new RelayClosedError("intake()");
        if (writer === undefined) {
          registry.publish(counter, alert);
          return undefined;
        }
        writer.add(counter, alert, writer.journal(line));
        // The store is behind: the sender's answer waits until it caught up (memory stays
        // bounded; the alert is in the journal already).
        return writer.full ? writer.whenRoom() : undefined;
      };
    },
    status: () => status.subscribe(),
    close() {
      closed ??= closeNow();
      return closed;
    },
    [Symbol.asyncDispose]: () => relay.close(),
  };
  return relay;
}
