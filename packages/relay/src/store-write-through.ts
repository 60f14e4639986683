import type { Alert } from "@falco-sdk/core";
import type { EventHub } from "@falco-sdk/core/internal";
import type { AlertStore } from "@falco-sdk/store";
import { RelayStoreError } from "./relay-errors.js";
import type { RelayStoreStats } from "./relay-stats.js";
import type { RelayStatus } from "./relay-status.js";
import type { SourceCounter } from "./subscriber-registry.js";

/** Shortest time between two `store-failed` events while appends keep failing. */
const FAILURE_EVENT_INTERVAL_MS = 1000;

/** Alerts in one append at most: a burst is appended without waiting for `storeBatchMs`. */
export const MAX_STORE_BATCH = 2048;

/**
 * Alerts handed to the store and not yet stored, at most: past it the relay stops reading its
 * sources until the store catches up (their own bounded queues then drop and count what does not
 * fit), so a store slower than the input holds memory bounded.
 */
export const MAX_IN_FLIGHT = 4 * MAX_STORE_BATCH;

/** Hands an alert to the subscribers (the registry's fan-out). */
export type Deliver = (source: SourceCounter, alert: Alert) => void;

/**
 * The relay's write-through stage: alerts received within `batchMs` of the first one waiting
 * (or {@link MAX_STORE_BATCH} of them, or as soon as a source waits for its alert to be stored)
 * are appended to the store in one batch (one transaction), then handed to the subscribers, in
 * arrival order. One append costs a transaction (and an fsync when the store is durable)
 * whatever its size, and Falco's http_output posts one alert per request, each answer awaited:
 * appending each event-loop turn would append alert by alert. The store appends in its own
 * thread (`AlertStore.appendAsync`), so the relay's event loop answers Falco and serves its
 * subscribers while SQLite works. A failed append (full disk, read-only directory, damaged file, closed store) is
 * counted and reported, the batch is still delivered, and the next batch is tried again:
 * storing resumes when the store takes appends again.
 */
export class StoreWriteThrough {
  readonly #store: AlertStore;
  readonly #deliver: Deliver;
  readonly #status: EventHub<RelayStatus>;
  #alerts: Alert[] = [];
  #sources: SourceCounter[] = [];
  readonly #batchMs: number;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #waiters: { resolve: () => void; reject: (error: RelayStoreError) => void }[] = [];
  #stored = 0;
  #notStored = 0;
  #failedAppends = 0;
  #batches = 0;
  #lastError: RelayStoreError | undefined;
  #failing = false;
  #lastFailureEventAt = Number.NEGATIVE_INFINITY;
  /** The last batch's append and delivery: its failure, if it failed. */
  #last: Promise<RelayStoreError | undefined> = Promise.resolve(undefined);
  /** Alerts handed to the store's append thread and not stored (or failed) yet. */
  #inFlight = 0;
  #room: (() => void)[] = [];

  constructor(store: AlertStore, deliver: Deliver, status: EventHub<RelayStatus>, batchMs: number) {
    this.#batchMs = Math.max(0, batchMs);
    this.#store = store;
    this.#deliver = deliver;
    this.#status = status;
  }

  /** Queues an alert for the next batch. */
  add(source: SourceCounter, alert: Alert): void {
    this.#alerts.push(alert);
    this.#sources.push(source);
    if (this.#alerts.length >= MAX_STORE_BATCH || this.#batchMs === 0) this.#soon();
    else this.#timer ??= setTimeout(this.flush, this.#batchMs);
  }

  /**
   * Resolves once the alerts added so far are stored (and delivered); rejects with the
   * `RelayStoreError` when their append failed. `now`: appended at the end of this event-loop
   * turn, without waiting for `batchMs`.
   */
  whenStored(now: boolean): Promise<void> {
    if (this.#alerts.length === 0) {
      return this.#last.then((failure) => {
        if (failure) throw failure;
      });
    }
    if (now) this.#soon();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Appends what is queued, now, in the store's append thread; delivers it once stored, after
   * the batches before it. Resolves when that is done (at once when nothing is queued or in
   * flight).
   */
  readonly flush = (): Promise<void> => {
    clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    const alerts = this.#alerts;
    const sources = this.#sources;
    const waiters = this.#waiters;
    this.#alerts = [];
    this.#sources = [];
    this.#waiters = [];
    if (alerts.length === 0) {
      for (const waiter of waiters) waiter.resolve();
      return this.#last.then(() => {});
    }
    this.#inFlight += alerts.length;
    const appended = this.#store.appendAsync(alerts).then(
      () => undefined,
      (cause: unknown) => cause ?? new Error("the store's append failed"),
    );
    this.#last = this.#last.then(async () => {
      const cause = await appended;
      this.#inFlight -= alerts.length;
      const failure = this.#counted(alerts.length, cause);
      for (let i = 0; i < alerts.length; i++) this.#deliver(sources[i]!, alerts[i]!);
      for (const waiter of waiters) {
        if (failure) waiter.reject(failure);
        else waiter.resolve();
      }
      if (this.#inFlight < MAX_IN_FLIGHT) this.#wakeRoom();
      return failure;
    });
    return this.#last.then(() => {});
  };

  /** Alerts handed to the store and not stored yet are past {@link MAX_IN_FLIGHT}. */
  get full(): boolean {
    return this.#inFlight >= MAX_IN_FLIGHT;
  }

  /** Resolves once fewer than {@link MAX_IN_FLIGHT} alerts wait for the store. */
  whenRoom(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.#room.push(resolve));
  }

  #wakeRoom(): void {
    const room = this.#room;
    this.#room = [];
    for (const resolve of room) resolve();
  }

  /** At the end of this event-loop turn. */
  #soon(): void {
    this.#immediate ??= setImmediate(this.flush);
  }

  stats(): RelayStoreStats {
    return {
      stored: this.#stored,
      notStored: this.#notStored,
      batches: this.#batches,
      failedAppends: this.#failedAppends,
      failing: this.#failing,
      ...(this.#lastError && { lastError: this.#lastError }),
    };
  }

  /** Counts a batch's append: `cause` is its error, undefined when it was stored. */
  #counted(count: number, cause: unknown): RelayStoreError | undefined {
    if (cause !== undefined) {
      const error = new RelayStoreError(count, cause);
      this.#notStored += count;
      this.#failedAppends++;
      this.#lastError = error;
      this.#failing = true;
      const now = performance.now();
      if (now - this.#lastFailureEventAt >= FAILURE_EVENT_INTERVAL_MS) {
        this.#lastFailureEventAt = now;
        this.#status.publish({ type: "store-failed", error, notStored: this.#notStored });
      }
      return error;
    }
    this.#stored += count;
    this.#batches++;
    if (this.#failing) {
      this.#failing = false;
      this.#lastFailureEventAt = Number.NEGATIVE_INFINITY;
      this.#status.publish({ type: "store-recovered", notStored: this.#notStored });
    }
    return undefined;
  }
}
