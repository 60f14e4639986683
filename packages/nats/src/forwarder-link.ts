import type { FalcoError } from "@falco-sdk/core";
import { errors, type NatsConnection } from "@nats-io/nats-core";
import { NatsConnectionError } from "./nats-errors.js";
import { asFalcoError, asFalcoErrorFromClose } from "./nats-failures.js";

/** What the link tells the forwarder. */
export interface LinkEvents {
  /** The connection broke; the NATS client dials again. */
  down(server: string): void;
  /** The connection is back. */
  up(server: string): void;
  /** The server refused the credentials on a reconnect (the client retries once more). */
  refused(error: FalcoError): void;
  /** The connection closed by itself: the NATS client gave up. */
  lost(error: FalcoError): void;
}

/**
 * The forwarder's connection to NATS: whether it is up now, and a wait for it to come back.
 * Listens to the NATS client's status and closed promise until `close()`.
 */
export class ForwarderLink {
  #up = true;
  #closing = false;
  #waiters: (() => void)[] = [];

  constructor(
    readonly connection: NatsConnection,
    servers: string,
    private readonly events: LinkEvents,
  ) {
    void this.#watch();
    void connection.closed().then((error) => {
      this.#set(false);
      if (this.#closing) return;
      events.lost(
        error instanceof Error
          ? asFalcoErrorFromClose(error, servers)
          : new NatsConnectionError("the NATS connection closed"),
      );
    });
  }

  /** The connection is up now. */
  get up(): boolean {
    return this.#up;
  }

  /** The largest message the server takes (headers included). */
  get maxPayload(): number {
    return this.connection.info?.max_payload ?? Number.POSITIVE_INFINITY;
  }

  /** Resolves when the connection is up (at once if it is), or when `signal` aborts. */
  whenUp(signal: AbortSignal): Promise<void> {
    if (this.#up || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        signal.removeEventListener("abort", done);
        const at = this.#waiters.indexOf(done);
        if (at >= 0) this.#waiters.splice(at, 1);
        resolve();
      };
      signal.addEventListener("abort", done, { once: true });
      this.#waiters.push(done);
    });
  }

  /** Closes the connection (publishes not yet acked are abandoned). */
  async close(): Promise<void> {
    this.#closing = true;
    await this.connection.close().catch(() => undefined);
  }

  #set(up: boolean): void {
    this.#up = up;
    if (up) for (const wake of [...this.#waiters]) wake();
  }

  async #watch(): Promise<void> {
    for await (const event of this.connection.status()) {
      if (event.type === "disconnect") {
        this.#set(false);
        this.events.down(event.server);
      } else if (event.type === "reconnect") {
        this.#set(true);
        this.events.up(event.server);
      } else if (event.type === "error" && event.error instanceof errors.AuthorizationError) {
        this.events.refused(asFalcoError(event.error));
      }
    }
  }
}
