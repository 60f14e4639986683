import { type Alert, ConfigurationError, sleep } from "@falco-sdk/core";
import { EventHub } from "@falco-sdk/core/internal";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Backlog } from "./backlog.js";
import { BacklogPublisher } from "./backlog-publisher.js";
import { DropReport } from "./drop-report.js";
import type { ForwarderBacklog } from "./forwarder-backlog.js";
import { connectForwarder } from "./forwarder-connect.js";
import { ForwarderLifecycle } from "./forwarder-lifecycle.js";
import { ForwarderLink } from "./forwarder-link.js";
import type { NatsForwarderOptions } from "./forwarder-options.js";
import { type ForwarderSettings, forwarderSettings } from "./forwarder-settings.js";
import type { ForwarderStats, ForwarderStatus } from "./forwarder-status.js";
import { LeaderElections, streamLeaderElectedSubject } from "./leader-elections.js";
import { asFalcoError } from "./nats-failures.js";
import { openSpool, spoolError } from "./open-spool.js";
import { prepareStream } from "./prepare-stream.js";
import { readSource } from "./read-source.js";

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
  return new JetStreamForwarder(forwarderSettings(options));
}

/**
 * The forwarder: sources fill the backlog, one publisher empties it. Its states are
 * `ForwarderLifecycle`'s (idle, connecting, preparing, forwarding, reconnecting, draining,
 * failed, closed).
 */
class JetStreamForwarder implements NatsForwarder {
  readonly #settings: ForwarderSettings;
  readonly #hub = new EventHub<ForwarderStatus>();
  readonly #lifecycle = new ForwarderLifecycle();
  /** In memory from the start; on disk (the spool) once `forward()` opened it. */
  #backlog: ForwarderBacklog;
  #spoolOpened: Promise<void> | undefined;
  readonly #drops: DropReport;
  readonly #counts = { received: 0, published: 0, duplicates: 0, rejected: 0 };
  /** Resolves when the forwarder failed or closed. */
  readonly #ended: Promise<void>;
  #link: ForwarderLink | undefined;
  #running: Promise<void> | undefined;

  constructor(settings: ForwarderSettings) {
    this.#settings = settings;
    this.#backlog = new Backlog(settings.maxBacklog, settings.prefix);
    this.#drops = new DropReport(settings.maxBacklog, this.#report);
    const stopped = this.#lifecycle.stopped;
    this.#ended = new Promise((resolve) => {
      stopped.addEventListener("abort", () => resolve(), { once: true });
    });
    // Ends the publisher's wait for alerts.
    stopped.addEventListener("abort", () => this.#backlog.wake(), { once: true });
  }

  async forward(
    alerts: AsyncIterable<Alert>,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<void> {
    if (this.#lifecycle.closing) throw new ConfigurationError("this forwarder is closed");
    if (this.#settings.spool) {
      this.#spoolOpened ??= this.#openSpool();
      await this.#spoolOpened;
      if (this.#lifecycle.closing) throw new ConfigurationError("this forwarder is closed");
    }
    const backlog = this.#backlog;
    const { maxBacklog, waitWhenFull } = this.#settings;
    const running = this.#start();
    await readSource(alerts, {
      accept: (alert) => this.#accept(alert),
      signal: options.signal,
      stopWhen: [this.#ended, running],
      roomOrStop:
        waitWhenFull && (() => backlog.size < maxBacklog || backlog.whenBelow(maxBacklog)),
      keepLate: () => this.#lifecycle.phase !== "closed",
    });
    if (this.#lifecycle.error) throw this.#lifecycle.error;
    await this.#drained();
    if (this.#lifecycle.error) throw this.#lifecycle.error;
  }

  stats(): ForwarderStats {
    return { ...this.#counts, dropped: this.#backlog.dropped, backlog: this.#backlog.size };
  }

  status(): AsyncIterable<ForwarderStatus> {
    return this.#hub.subscribe();
  }

  async close(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    const lifecycle = this.#lifecycle;
    if (!lifecycle.beginClose()) return;
    if (this.#link?.up && lifecycle.phase === "draining") {
      const timeout = new AbortController();
      await Promise.race([this.#drained(), sleep(options.timeoutMs ?? 5000, timeout.signal)]);
      timeout.abort();
    }
    lifecycle.finishClose();
    await this.#link?.close();
    try {
      this.#backlog.close();
    } catch (error) {
      lifecycle.fail(spoolError(error));
    }
    this.#report({ type: "closed", error: lifecycle.error });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  readonly #report = (event: ForwarderStatus): void => this.#hub.publish(event);

  #start(): Promise<void> {
    this.#running ??= this.#run().catch((error: unknown) => {
      this.#lifecycle.fail(asFalcoError(error));
    });
    return this.#running;
  }

  async #run(): Promise<void> {
    const { stream } = this.#settings;
    const lifecycle = this.#lifecycle;
    const backlogSize = () => this.#backlog.size;
    const connection = await connectForwarder(this.#settings, lifecycle, this.#report, backlogSize);
    if (!connection) return;
    const link = new ForwarderLink(connection, this.#settings.servers, {
      down: (server) => {
        lifecycle.linkDown();
        this.#report({ type: "disconnected", server });
      },
      up: (server) => {
        lifecycle.linkUp();
        this.#report({ type: "connected", server });
      },
      refused: (error) => {
        this.#report({ type: "publish-failed", error, backlog: backlogSize(), delayMs: 0 });
      },
      lost: (error) => lifecycle.fail(error),
    });
    this.#link = link;
    lifecycle.connected();
    this.#report({ type: "connected", server: connection.getServer() });
    const jsm = await jetstreamManager(connection, { checkAPI: false });
    // A publish (or the stream's creation) that found no stream leader is retried when
    // JetStream elects one.
    const elections = new LeaderElections(connection, streamLeaderElectedSubject(stream.name));
    await prepareStream(jsm, elections, this.#settings, lifecycle, this.#report, backlogSize);
    lifecycle.streamReady();
    this.#report({ type: "ready", stream: stream.name, server: connection.getServer() });
    const parts = {
      settings: this.#settings,
      lifecycle,
      backlog: this.#backlog,
      drops: this.#drops,
      counts: this.#counts,
      report: this.#report,
    };
    await new BacklogPublisher(parts, link, jetstream(connection), jsm, elections).run();
  }

  #accept(alert: Alert): void {
    this.#counts.received++;
    const droppedNow = this.#backlog.take(alert);
    this.#drops.taken(droppedNow, this.#backlog.dropped);
  }

  /** Replaces the (empty) backlog in memory with the spool; a failure rejects `forward()`. */
  async #openSpool(): Promise<void> {
    const spool = await openSpool(this.#settings, {
      dropped: (count, total) => this.#drops.lost(count, total),
      failed: (error) => this.#lifecycle.fail(spoolError(error)),
    });
    if (this.#lifecycle.closing) {
      spool.close();
      return;
    }
    this.#backlog = spool;
    this.#report({
      type: "spool-opened",
      directory: this.#settings.spool?.directory ?? "",
      unpublished: spool.unpublishedAtStart,
    });
  }

  /** Resolves when the backlog is empty, or the forwarder failed or closed. */
  async #drained(): Promise<void> {
    const backlog = this.#backlog;
    while (backlog.size > 0 && !this.#lifecycle.stopped.aborted) await backlog.whenEmpty();
  }
}
