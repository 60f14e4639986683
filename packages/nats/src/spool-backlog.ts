import type { Alert } from "@falco-sdk/core";
import type { AlertStore, StoredAlert, StoreReader } from "@falco-sdk/store";
import { encodeAlert } from "./alert-message.js";
import type { OutgoingAlert } from "./backlog.js";
import type { ForwarderBacklog } from "./forwarder-backlog.js";

/** An alert of the spool, ready to publish, with its cursor there. */
interface SpooledAlert extends OutgoingAlert {
  readonly cursor: number;
}

/** What the spool tells its forwarder. */
export interface SpoolEvents {
  /** Retention removed `count` unpublished alerts (the spool was full); `total` ever. */
  dropped(count: number, total: number): void;
  /** The spool could not be written: the forwarder cannot keep its promise, and stops. */
  failed(error: unknown): void;
}

/** The checkpoint under which the spool keeps the cursor of the last alert JetStream acked. */
export const SPOOL_CHECKPOINT = "nats-forwarder-acked";
/** Alerts appended in one transaction at most. */
const APPEND_BATCH = 512;
/** Acks between two saves of the cursor (and removals of what was published)... */
const SAVE_EVERY = 256;
/** ...or this long after an ack, whichever comes first. */
const SAVE_AFTER_MS = 200;

/**
 * The forwarder's backlog on disk, in a `@falco-sdk/store` AlertStore. `take` appends each alert
 * (in a batch with those taken in the same turn of the event loop, before anything else happens
 * to them); the publisher reads the spool from the cursor after the last acked alert, in order,
 * one in flight at a time. Acks move that cursor, saved as a store checkpoint every
 * `SAVE_EVERY` acks or `SAVE_AFTER_MS`, after which what was published is removed. A restarted
 * forwarder reads from the saved cursor: what was acked after it is published again with the
 * same `Nats-Msg-Id` (JetStream's duplicate window drops it). The store's `maxBytes` retention
 * bounds the spool; what it removes unpublished comes as a reader `gap`, counted as dropped.
 */
export class SpoolBacklog implements ForwarderBacklog {
  readonly #store: AlertStore;
  readonly #prefix: string;
  readonly #events: SpoolEvents;
  readonly #reader: StoreReader;
  readonly #iterator: AsyncIterator<StoredAlert>;
  /** Taken, not yet appended. */
  #pending: Alert[] = [];
  #flushQueued = false;
  /** Cursor of the newest alert appended. */
  #last: number;
  /** Cursor of the last alert acked (or rejected), and the one saved. */
  #acked: number;
  #saved: number;
  #saveTimer: NodeJS.Timeout | undefined;
  #inFlight: SpooledAlert | undefined;
  #dropped = 0;
  #waiters: (() => void)[] = [];
  #closed = false;

  constructor(store: AlertStore, prefix: string, events: SpoolEvents) {
    this.#store = store;
    this.#prefix = prefix;
    this.#events = events;
    this.#last = store.stats().lastCursor;
    this.#acked = store.checkpoint(SPOOL_CHECKPOINT);
    this.#saved = this.#acked;
    this.#reader = store.read({ after: this.#acked, follow: true, pageSize: 256 });
    void this.#watchGaps();
    this.#iterator = this.#reader[Symbol.asyncIterator]();
    this.#unpublishedAtStart = this.size;
  }

  get size(): number {
    const unread = Math.max(0, this.#last - this.#reader.position);
    return this.#pending.length + (this.#inFlight ? 1 : 0) + unread;
  }

  get dropped(): number {
    return this.#dropped;
  }

  /** Alerts of an earlier run still to publish when this one opened the spool. */
  get unpublishedAtStart(): number {
    return this.#unpublishedAtStart;
  }
  readonly #unpublishedAtStart: number;

  take(alert: Alert): boolean {
    if (this.#closed) return false;
    this.#pending.push(alert);
    if (this.#pending.length >= APPEND_BATCH) this.#flush();
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => this.#flush());
    }
    return false;
  }

  current(): OutgoingAlert | undefined {
    return this.#inFlight;
  }

  async next(signal: AbortSignal): Promise<OutgoingAlert | undefined> {
    if (this.#inFlight) return this.#inFlight;
    this.#flush();
    const stop = () => this.#reader.unsubscribe();
    if (signal.aborted) return undefined;
    signal.addEventListener("abort", stop, { once: true });
    try {
      const next = await this.#iterator.next();
      if (next.done || this.#closed) return undefined;
      const stored = next.value;
      this.#inFlight = { ...encodeAlert(this.#prefix, stored), cursor: stored.cursor };
      return this.#inFlight;
    } finally {
      signal.removeEventListener("abort", stop);
    }
  }

  settle(item: OutgoingAlert): void {
    if (this.#inFlight !== item) return;
    this.#inFlight = undefined;
    this.#acked = (item as SpooledAlert).cursor;
    if (this.#acked - this.#saved >= SAVE_EVERY) this.#save();
    else this.#saveTimer ??= setTimeout(() => this.#save(), SAVE_AFTER_MS).unref();
    this.#wakeAll();
  }

  whenBelow(below: number): Promise<void> {
    if (this.size < below) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  whenEmpty(): Promise<void> {
    return this.whenBelow(1);
  }

  wake(): void {
    this.#wakeAll();
  }

  /** Appends what was taken and saves the acked cursor; then closes the store. */
  close(): void {
    if (this.#closed) return;
    this.#flush();
    this.#save();
    this.#closed = true;
    this.#reader.unsubscribe();
    this.#store.close();
    this.#wakeAll();
  }

  /** Appends the alerts taken so far, in one transaction. */
  #flush(): void {
    this.#flushQueued = false;
    if (this.#pending.length === 0 || this.#closed) return;
    const batch = this.#pending;
    this.#pending = [];
    try {
      const appended = this.#store.append(batch);
      if (appended) this.#last = appended.last;
    } catch (error) {
      // Kept in memory (counted in `size`), reported: the forwarder stops.
      this.#pending = batch.concat(this.#pending);
      this.#events.failed(error);
    }
  }

  /** Saves the acked cursor, then removes what it covers. */
  #save(): void {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    if (this.#acked === this.#saved || this.#closed) return;
    try {
      this.#store.setCheckpoint(SPOOL_CHECKPOINT, this.#acked);
      this.#saved = this.#acked;
      this.#store.removeThrough(this.#saved);
    } catch (error) {
      this.#events.failed(error);
    }
  }

  /** Counts what retention removed before it was read (a full spool), and says so. */
  async #watchGaps(): Promise<void> {
    for await (const event of this.#reader.status()) {
      if (event.type !== "gap") continue;
      this.#dropped += event.count;
      this.#events.dropped(event.count, this.#dropped);
      this.#wakeAll();
    }
  }

  #wakeAll(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }
}
