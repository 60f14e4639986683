import type { Alert } from "@falco-sdk/core";
import type { EventHub } from "@falco-sdk/core/internal";
import type { AlertStore } from "@falco-sdk/store";
import type { IntakeJournal } from "./intake-journal.js";
import { JOURNAL_CHECKPOINT } from "./journal-replay.js";
import { RelayStoreError } from "./relay-errors.js";
import type { RelayStoreStats } from "./relay-stats.js";
import type { RelayStatus } from "./relay-status.js";
import type { SourceCounter } from "./subscriber-registry.js";

/** Shortest time between two `store-failed` events while appends keep failing. */
const FAILURE_EVENT_INTERVAL_MS = 1000;

/** Alerts in one append at most: a burst is appended without waiting for `storeBatchMs`. */
export const MAX_STORE_BATCH = 2048;

/**
 * Alerts received and not yet stored, at most: past it the relay stops reading its sources until
 * the store catches up (their own bounded queues then drop and count what does not fit), and an
 * `intake()` sender's answer waits, so a store slower than the input holds memory bounded.
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
 * subscribers while SQLite works; one batch is there at a time, and the next one grows while it
 * waits. A failed append (full disk, read-only directory, damaged file, closed store) is
 * counted and reported, the batch is still delivered, and the next batch is tried again:
 * storing resumes when the store takes appends again.
 */
export class StoreWriteThrough {
  readonly #store: AlertStore;
  readonly #deliver: Deliver;
  readonly #status: EventHub<RelayStatus>;
  #alerts: Alert[] = [];
  #sources: SourceCounter[] = [];
  /** Journal offset after the last queued alert that was journaled (0: none). */
  #offset = 0;
  readonly #journal: IntakeJournal | undefined;
  readonly #batchMs: number;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #waiters: { resolve: () => void; reject: (error: RelayStoreError) => void }[] = [];
  #stored = 0;
  #notStored = 0;
  #failedAppends = 0;
  #failedJournalWrites = 0;
  #batches = 0;
  #lastError: RelayStoreError | undefined;
  #failing = false;
  #lastFailureEventAt = Number.NEGATIVE_INFINITY;
  /** The last batch's append and delivery: its failure, if it failed. */
  #last: Promise<RelayStoreError | undefined> = Promise.resolve(undefined);
  /** Alerts handed to the store's append thread and not stored (or failed) yet. */
  #inFlight = 0;
  /** A batch is in the store's append thread (the next one waits for it). */
  #sending = false;
  /** A flush was asked for while a batch was in the append thread. */
  #flushAgain = false;
  #room: (() => void)[] = [];

  constructor(
    store: AlertStore,
    deliver: Deliver,
    status: EventHub<RelayStatus>,
    batchMs: number,
    journal?: IntakeJournal,
  ) {
    this.#journal = journal;
    this.#batchMs = Math.max(0, batchMs);
    this.#store = store;
    this.#deliver = deliver;
    this.#status = status;
  }

  /**
   * Queues an alert for the next batch; `offset`: the intake journal's offset after its line
   * (saved as the store checkpoint with the batch).
   */
  add(source: SourceCounter, alert: Alert, offset?: number): void {
    if (offset !== undefined) this.#offset = Math.max(this.#offset, offset);
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
    if (this.#alerts.length === 0) {
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
      return this.#last.then(() => {});
    }
    if (this.#sending) {
      // One batch in the append thread at a time: this one grows while it waits (a batch per
      // append and fsync, whatever the event loop's turns hand in), and goes once it is done.
      this.#flushAgain = true;
      return new Promise((resolve) => this.#waiters.push({ resolve, reject: () => resolve() }));
    }
    const alerts = this.#alerts;
    const sources = this.#sources;
    const waiters = this.#waiters;
    const offset = this.#offset;
    this.#offset = 0;
    this.#alerts = [];
    this.#sources = [];
    this.#waiters = [];
    this.#sending = true;
    this.#inFlight += alerts.length;
    const checkpoint = offset > 0 ? { name: JOURNAL_CHECKPOINT, value: offset } : undefined;
    const appended = this.#store.appendAsync(alerts, { checkpoint }).then(
      () => undefined,
      (cause: unknown) => cause ?? new Error("the store's append failed"),
    );
    this.#last = this.#last.then(async () => {
      const cause = await appended;
      this.#sending = false;
      this.#inFlight -= alerts.length;
      const failure = this.#counted(alerts.length, cause);
      if (failure === undefined && offset > 0) this.#journal?.stored(offset);
      for (let i = 0; i < alerts.length; i++) this.#deliver(sources[i]!, alerts[i]!);
      for (const waiter of waiters) {
        if (failure) waiter.reject(failure);
        else waiter.resolve();
      }
      if (this.#flushAgain) {
        this.#flushAgain = false;
        void this.flush();
      }
      if (!this.full) this.#wakeRoom();
      return failure;
    });
    return this.#last.then(() => {});
  };

  /** Alerts queued or handed to the store and not stored yet are past {@link MAX_IN_FLIGHT}. */
  get full(): boolean {
    return this.#inFlight + this.#alerts.length >= MAX_IN_FLIGHT;
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

  /**
   * Writes the alert's line to the intake journal; its offset, or undefined when the write
   * failed (counted in `failedJournalWrites`, reported as `store-failed`).
   */
  journal(line: Buffer | string): number | undefined {
    if (this.#journal === undefined) return undefined;
    try {
      return this.#journal.write(line);
    } catch (cause) {
      this.#failedJournalWrites++;
      this.#fail(new RelayStoreError(1, cause), 0);
      throw cause;
    }
  }

  stats(): RelayStoreStats {
    return {
      ...(this.#journal && {
        journal: {
          replayed: this.#journal.replay.replayed,
          dropped: this.#journal.replay.dropped,
          failedWrites: this.#failedJournalWrites,
        },
      }),
      stored: this.#stored,
      notStored: this.#notStored,
      batches: this.#batches,
      failedAppends: this.#failedAppends,
      failing: this.#failing,
      ...(this.#lastError && { lastError: this.#lastError }),
    };
  }

  /** Counts and reports (at most once a second) a failure that left `notStored` alerts out. */
  #fail(error: RelayStoreError, notStored: number): void {
    this.#notStored += notStored;
    this.#lastError = error;
    this.#failing = true;
    const now = performance.now();
    if (now - this.#lastFailureEventAt >= FAILURE_EVENT_INTERVAL_MS) {
      this.#lastFailureEventAt = now;
      this.#status.publish({ type: "store-failed", error, notStored: this.#notStored });
    }
  }

  /** Counts a batch's append: `cause` is its error, undefined when it was stored. */
  #counted(count: number, cause: unknown): RelayStoreError | undefined {
    if (cause !== undefined) {
      const error = new RelayStoreError(count, cause);
      this.#failedAppends++;
      this.#fail(error, count);
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
