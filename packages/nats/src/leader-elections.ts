import type { NatsConnection, Subscription } from "@nats-io/nats-core";

/** Subject of JetStream's advisory when a stream elects a leader. */
export const streamLeaderElectedSubject = (stream: string) =>
  `$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED.${stream}`;

/** Subject of JetStream's advisory when a consumer of `stream` elects a leader. */
export const consumerLeaderElectedSubject = (stream: string, consumer = "*") =>
  `$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.${stream}.${consumer}`;

/**
 * JetStream's leader-elected advisories on one subject, counted. A publish or a pull that
 * found no leader (no responders) waits for the next one instead of a fixed timer: take
 * `count` before the attempt, then `after(count)` resolves at once when an election came
 * in meanwhile. A user without permission to subscribe to `$JS.EVENT.>` gets no
 * advisories; the caller's retry delay still ends the wait.
 */
export class LeaderElections {
  #count = 0;
  #wake: (() => void) | undefined;
  #next: Promise<void>;
  readonly #sub: Subscription | undefined;
  /** Only advisories whose subject passes this count (e.g. one consumer of a wildcard). */
  accept: (subject: string) => boolean = () => true;

  constructor(nc: NatsConnection, subject: string) {
    this.#next = this.#arm();
    try {
      this.#sub = nc.subscribe(subject, {
        callback: (error, msg) => {
          if (error || !this.accept(msg.subject)) return;
          this.#count++;
          const wake = this.#wake;
          this.#next = this.#arm();
          wake?.();
        },
      });
    } catch {
      this.#sub = undefined; // a closed connection: nothing to wait for
    }
  }

  #arm(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Elections seen so far. */
  get count(): number {
    return this.#count;
  }

  /** Resolves when more than `seen` elections have been seen. */
  after(seen: number): Promise<void> {
    return this.#count > seen ? Promise.resolve() : this.#next;
  }

  close(): void {
    this.#sub?.unsubscribe();
    this.#wake?.();
  }
}
