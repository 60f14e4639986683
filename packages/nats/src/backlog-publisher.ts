import { backoffDelayMs, type FalcoError } from "@falco-sdk/core";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { errors } from "@nats-io/nats-core";
import type { OutgoingAlert } from "./backlog.js";
import type { DropReport } from "./drop-report.js";
import type { ForwarderBacklog } from "./forwarder-backlog.js";
import type { ForwarderLifecycle } from "./forwarder-lifecycle.js";
import type { ForwarderLink } from "./forwarder-link.js";
import type { ForwarderSettings } from "./forwarder-settings.js";
import type { ForwarderStatus } from "./forwarder-status.js";
import type { LeaderElections } from "./leader-elections.js";
import { AlertTooLargeError } from "./nats-errors.js";
import { asFalcoError, isNoResponders, permissionError, sleepOrWake } from "./nats-failures.js";
import { ensureStream } from "./stream.js";

/** What the publisher shares with its forwarder. */
export interface PublisherParts {
  readonly settings: ForwarderSettings;
  readonly lifecycle: ForwarderLifecycle;
  readonly backlog: ForwarderBacklog;
  readonly drops: DropReport;
  readonly counts: { published: number; duplicates: number; rejected: number };
  readonly report: (event: ForwarderStatus) => void;
}

/**
 * The forwarder's `forwarding` state: publishes the backlog's oldest alert, waits for its ack,
 * and only then takes the next, so the stream keeps each Falco's order. A failed publish is
 * retried after a growing delay, ended early when a lost connection comes back or the stream
 * elects a leader; an alert NATS can never take is rejected (counted, reported) and skipped.
 */
export class BacklogPublisher {
  /** Failed publishes in a row. */
  #failures = 0;
  #checkingStream = false;

  constructor(
    private readonly parts: PublisherParts,
    private readonly link: ForwarderLink,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly elections: LeaderElections,
  ) {}

  /** Publishes until the forwarder fails or closes. */
  async run(): Promise<void> {
    const { lifecycle, backlog, drops } = this.parts;
    while (!lifecycle.stopped.aborted) {
      const item = backlog.current();
      if (!item) {
        drops.roomAgain(backlog.dropped);
        await backlog.next(lifecycle.stopped);
      } else if (!this.link.up) {
        await this.link.whenUp(lifecycle.stopped);
      } else {
        await this.#publish(item);
      }
    }
  }

  async #publish(item: OutgoingAlert): Promise<void> {
    const { settings, backlog, counts, drops, lifecycle } = this.parts;
    const maxPayload = this.link.maxPayload;
    // Headers (Nats-Msg-Id) count against max_payload too.
    if (item.body.length + item.id.length + 40 > maxPayload) {
      this.#reject(item, new AlertTooLargeError(item.body.length, maxPayload));
      return;
    }
    const electionsBefore = this.elections.count;
    try {
      const ack = await this.js.publish(item.subject, item.body, {
        msgID: item.id,
        timeout: settings.ackTimeoutMs,
      });
      counts.published++;
      if (ack.duplicate) counts.duplicates++;
      backlog.settle(item);
      this.#failures = 0;
      if (drops.dropping && backlog.size < settings.maxBacklog) drops.roomAgain(backlog.dropped);
    } catch (error) {
      if (lifecycle.phase === "closed") return;
      const rejection = this.#rejection(error, item, maxPayload);
      if (rejection) this.#reject(item, rejection);
      else await this.#retryLater(error, electionsBefore);
    }
  }

  /** The error when NATS can never take this alert; undefined when a retry may work. */
  #rejection(error: unknown, item: OutgoingAlert, maxPayload: number): FalcoError | undefined {
    if (error instanceof errors.InvalidArgumentError && /max_payload/.test(error.message)) {
      return new AlertTooLargeError(item.body.length, maxPayload, { cause: error });
    }
    if (error instanceof errors.PermissionViolationError) return permissionError(error);
    return undefined;
  }

  async #retryLater(error: unknown, electionsBefore: number): Promise<void> {
    const { settings, backlog, lifecycle, report } = this.parts;
    this.#failures++;
    const delayMs = backoffDelayMs(settings.retry, this.#failures);
    report({ type: "publish-failed", error: asFalcoError(error), backlog: backlog.size, delayMs });
    if (isNoResponders(error) && settings.options.createStream !== false && this.link.up) {
      this.#checkStream();
    }
    // Retry at once when a lost connection comes back or the stream elects a leader;
    // otherwise after the delay.
    const stopWaiting = new AbortController();
    const wake = this.link.up
      ? this.elections.after(electionsBefore)
      : this.link.whenUp(stopWaiting.signal);
    await sleepOrWake(delayMs, lifecycle.stopped, wake);
    stopWaiting.abort();
    if (this.elections.count > electionsBefore && this.link.up) {
      // A new leader: the next failure waits the first delay again. JetStream sends the
      // advisory just before the leader subscribes to the stream's subjects: one round
      // trip to the server lets that subscription arrive first.
      this.#failures = 0;
      await this.link.connection.flush().catch(() => undefined);
    }
  }

  /**
   * No stream leader: JetStream is electing one, or the stream was deleted (then this creates
   * it). Not awaited: while there is no leader, the check's request waits for JetStream's API
   * timeout, and the election's advisory ends the wait sooner.
   */
  #checkStream(): void {
    if (this.#checkingStream) return;
    this.#checkingStream = true;
    void ensureStream(this.jsm, this.parts.settings.stream)
      .catch(() => undefined)
      .finally(() => {
        this.#checkingStream = false;
      });
  }

  #reject(item: OutgoingAlert, error: FalcoError): void {
    const { backlog, counts, report } = this.parts;
    backlog.settle(item);
    counts.rejected++;
    report({ type: "rejected", error, id: item.id });
  }
}
