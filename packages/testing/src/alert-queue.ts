import { create } from "@bufbuild/protobuf";
import { BoundedQueue } from "@falco-sdk/core";
import { type response, responseSchema } from "@falco-sdk/proto/outputs";
import type { AlertInit, ServerStats } from "./falco-server.js";

/**
 * Falco's one process-wide queue: unbounded, FIFO, destructive pops (each
 * alert goes to exactly one consumer), with the counters of a test server.
 * The storage is core's `BoundedQueue` without a bound (Falco's queue has none);
 * what it counts as delivered and dropped are Falco's outcomes, kept here.
 */
export class AlertQueue {
  readonly #items = new BoundedQueue<response>();
  #delivered = 0;
  #dropped = 0;
  #requests = 0;

  /** Appends alerts in order. */
  push(alerts: AlertInit | readonly AlertInit[]): void {
    const list = Array.isArray(alerts) ? alerts : [alerts as AlertInit];
    for (const alert of list) {
      this.#items.push(create(responseSchema, alert));
    }
  }

  /** Removes and returns the oldest alert (pop before write, like Falco). */
  pop(): response | undefined {
    return this.#items.shift();
  }

  /** Counts a popped alert that was written to its stream. */
  markDelivered(): void {
    this.#delivered += 1;
  }

  /** Counts a `sub` request read from a client. */
  markRequest(): void {
    this.#requests += 1;
  }

  /**
   * Pops one alert and counts it dropped: what Falco does with the request
   * that ends a `sub` call while it stops (it pops for the request, then
   * finishes the call instead of writing).
   */
  discardOne(): void {
    if (this.pop() !== undefined) {
      this.#dropped += 1;
    }
  }

  /** Counts a popped alert lost because its stream broke. */
  markDropped(): void {
    this.#dropped += 1;
  }

  get size(): number {
    return this.#items.size;
  }

  stats(subscribers: number): ServerStats {
    return {
      queued: this.size,
      delivered: this.#delivered,
      dropped: this.#dropped,
      subscribers,
      requests: this.#requests,
    };
  }
}
