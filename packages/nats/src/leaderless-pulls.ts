import type { ConsumeOptions, Consumer, ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import type { LeaderElections } from "./leader-elections.js";
import { sleep } from "./nats-failures.js";

/**
 * How long a pull that found no consumer leader waits for the leader-elected advisory before
 * it pulls again anyway (the advisory needs permission to subscribe to `$JS.EVENT.>`).
 */
export const LEADERLESS_RETRY_MS = 1000;

/**
 * A consumer's messages through `consume()`, pulling again when a pull found no consumer
 * leader. nats.js reports such a pull ("no_responders") but waits for two missed idle
 * heartbeats (30 s) before pulling again; a consumer created while its JetStream cluster
 * elects leaders (after losing a node) starts that way. Here the next pull goes out when
 * the consumer's leader is elected (its advisory), or after `LEADERLESS_RETRY_MS`.
 */
export class LeaderlessPulls implements AsyncIterable<JsMsg> {
  readonly #consumer: Consumer;
  readonly #options: ConsumeOptions;
  readonly #elections: LeaderElections;
  readonly #onLeaderless: () => void;
  readonly #onPulling: () => void;
  readonly #open: () => boolean;
  #current: ConsumerMessages | undefined;
  #stopped = false;
  #wakeStopped: () => void = () => {};
  readonly #stoppedSignal = new Promise<void>((resolve) => {
    this.#wakeStopped = resolve;
  });

  constructor(
    consumer: Consumer,
    options: ConsumeOptions,
    elections: LeaderElections,
    events: {
      readonly leaderless: () => void;
      readonly pulling: () => void;
      /** False once the connection is closed: no more pulls. */
      readonly open: () => boolean;
    },
  ) {
    this.#consumer = consumer;
    this.#options = options;
    this.#elections = elections;
    this.#onLeaderless = events.leaderless;
    this.#onPulling = events.pulling;
    this.#open = events.open;
  }

  /** Stops the current pull; the iteration ends after the messages already received. */
  stop(): void {
    this.#stopped = true;
    this.#wakeStopped();
    this.#current?.stop();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<JsMsg, void, undefined> {
    while (!this.#stopped) {
      const electionsBefore = this.#elections.count;
      const messages = await this.#consumer.consume(this.#options);
      this.#current = messages;
      if (this.#stopped) messages.stop();
      let leaderless = false;
      void (async () => {
        for await (const note of messages.status()) {
          if (note.type !== "no_responders" || leaderless) continue;
          leaderless = true;
          this.#onLeaderless();
          const elected = this.#elections.after(electionsBefore);
          await sleep(LEADERLESS_RETRY_MS, Promise.race([elected, this.#stoppedSignal]));
          messages.stop();
        }
      })();
      this.#onPulling();
      yield* messages;
      if (!leaderless || !this.#open()) return;
    }
  }
}
