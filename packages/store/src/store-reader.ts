import {
  type AlertSubscription,
  AlreadyIteratedError,
  type StatusEvent,
  type SubscriptionClosedEvent,
  type SubscriptionEnd,
  sleep,
} from "@falco-sdk/core";
import { EventHub } from "@falco-sdk/core/internal";
import type { AlertStore } from "./alert-store.js";
import { filterCondition, type StoreFilter } from "./store-filter.js";
import type { StoredAlert } from "./stored-alert.js";
import { storedAlertFromRow } from "./stored-alert-row.js";

/** Options of `AlertStore.read`. */
export interface ReadOptions {
  /** Start after this cursor (0: from the oldest alert kept). @default 0 */
  readonly after?: number;
  /** Only alerts that match. @default every alert */
  readonly filter?: StoreFilter;
  /** Keep going with alerts appended later; otherwise the read ends at the newest alert. @default true */
  readonly follow?: boolean;
  /** Alerts read from the database at a time (the most a reader holds in memory). @default 256 */
  readonly pageSize?: number;
  /** Ends the read. @default none */
  readonly signal?: AbortSignal;
}

/** Status events of a read. */
export type StoreReaderStatus =
  /** Retention removed `count` alerts after the reader's cursor before it read them. */
  | StatusEvent<"gap", { count: number; after: number; resumedAt: number }>
  /** Every alert appended before now was read; what comes next is live (once per read). */
  | StatusEvent<"caught-up", { cursor: number }>
  | SubscriptionClosedEvent;

/**
 * A read of the store: every alert after a cursor, in order, then live ones. It pulls a page at
 * a time only when the previous page was consumed, so a slow reader holds at most one page in
 * memory and never loses an alert, unless retention removes it first: then a `gap` status
 * event says how many.
 */
export class StoreReader implements AlertSubscription<StoredAlert, StoreReaderStatus> {
  private readonly hub = new EventHub<StoreReaderStatus>();
  private readonly buffer: StoredAlert[] = [];
  private readonly follow: boolean;
  private readonly pageSize: number;
  private readonly where: { sql: string; params: unknown[] };
  private cursor: number;
  private scanned: number;
  private iterated = false;
  private caughtUp = false;
  private end: SubscriptionEnd | undefined;
  private wake: (() => void) | undefined;
  private readonly resolveClosed: (end: SubscriptionEnd) => void;
  /** Resolves once the read has ended, with why (`completed`: a read without follow reached the end, or the store was closed). */
  readonly closed: Promise<SubscriptionEnd>;
  private readonly onAppend = () => this.wake?.();
  private readonly onAbort = () => this.finish("aborted");

  constructor(
    private readonly store: AlertStore,
    options: ReadOptions,
    private readonly onEnd: () => void,
  ) {
    this.cursor = Math.max(Math.trunc(options.after ?? 0), 0);
    this.scanned = this.cursor;
    this.follow = options.follow ?? true;
    this.pageSize = Math.max(Math.trunc(options.pageSize ?? 256), 1);
    const c = filterCondition(options.filter, (kind, value) => store.lookup(kind, value));
    this.where = { sql: c.sql, params: c.params };
    let resolve!: (end: SubscriptionEnd) => void;
    this.closed = new Promise((r) => {
      resolve = r;
    });
    this.resolveClosed = resolve;
    store.appended.on("append", this.onAppend);
    if (options.signal?.aborted) this.finish("aborted");
    else options.signal?.addEventListener("abort", this.onAbort, { once: true });
    this.signal = options.signal;
  }
  private readonly signal: AbortSignal | undefined;

  /** Alerts read from the database and not yet handed out. */
  get pending(): number {
    return this.buffer.length;
  }

  /** The cursor of the last alert handed out (or the `after` it started from). */
  get position(): number {
    return this.cursor;
  }

  /**
   * Its status events from now on (`gap`, `caught-up`, then `closed` with why it ended); after
   * the end, an iterable of that `closed` event alone.
   */
  status(): AsyncIterable<StoreReaderStatus> {
    const end = this.end;
    if (end) {
      return (async function* () {
        yield { type: "closed", ...end } as StoreReaderStatus;
      })();
    }
    return this.hub.subscribe();
  }

  /** Ends the read as `"unsubscribed"`: the loop stops and alerts read ahead are let go. */
  unsubscribe(): void {
    this.finish("unsubscribed");
  }

  /** For `await using`: unsubscribes. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.unsubscribe();
  }

  /**
   * The loop over the alerts (once), in cursor order; it ends at the newest alert without
   * `follow`, when the store is closed, or when the read is ended; leaving it early unsubscribes.
   * @throws AlreadyIteratedError when iterated a second time (call `read()` again).
   */
  async *[Symbol.asyncIterator](): AsyncIterator<StoredAlert> {
    if (this.iterated) {
      throw new AlreadyIteratedError(
        "this read is already being iterated: call the store's read() again for a second reader",
      );
    }
    this.iterated = true;
    try {
      for (;;) {
        const next = this.buffer.shift();
        if (next) {
          this.cursor = next.cursor;
          yield next;
          continue;
        }
        if (this.end) return;
        if (this.store.closed) {
          this.finish("completed");
          return;
        }
        if (this.fill()) {
          // A filter that matches little scans many pages: let other work run between them.
          if (this.buffer.length === 0) await new Promise<void>((r) => setImmediate(r));
          continue;
        }
        if (!this.follow) {
          this.finish("completed");
          return;
        }
        await this.waitForAppend();
      }
    } finally {
      this.finish("unsubscribed");
    }
  }

  /** Reads the next page into the buffer; false when there was nothing new. */
  private fill(): boolean {
    const { first: oldest, last } = this.store.range();
    // An empty store (retention removed every alert) resumes after the newest cursor.
    const first = oldest === 0 ? last + 1 : oldest;
    if (first > this.scanned + 1) {
      const count = first - this.scanned - 1;
      this.hub.publish({ type: "gap", count, after: this.scanned, resumedAt: first });
      this.scanned = first - 1;
      this.cursor = Math.max(this.cursor, this.scanned);
    }
    if (this.scanned >= last) {
      if (!this.caughtUp) {
        this.caughtUp = true;
        this.hub.publish({ type: "caught-up", cursor: this.scanned });
      }
      return false;
    }
    const upTo = Math.min(last, this.scanned + this.pageSize * 4);
    const rows = this.store.db
      .prepare(
        `SELECT a.seq, j.json FROM alerts a JOIN alert_json j ON j.seq = a.seq
         WHERE a.seq > ? AND a.seq <= ? AND ${this.where.sql} ORDER BY a.seq LIMIT ?`,
      )
      .all(this.scanned, upTo, ...this.where.params, this.pageSize) as {
      seq: number;
      json: string;
    }[];
    this.scanned = rows.length === this.pageSize ? (rows[rows.length - 1]?.seq ?? upTo) : upTo;
    for (const row of rows) this.buffer.push(storedAlertFromRow(row));
    return true;
  }

  /**
   * Waits `checkIntervalMs` (another process's appends are only seen by polling), or less when
   * this process appends to the store or the read ends (`wake`).
   */
  private waitForAppend(): Promise<void> {
    const woken = new AbortController();
    this.wake = () => {
      this.wake = undefined;
      woken.abort();
    };
    return sleep(this.store.checkIntervalMs, woken.signal);
  }

  private finish(reason: "unsubscribed" | "aborted" | "completed"): void {
    if (this.end) return;
    this.end = { reason };
    this.buffer.length = 0;
    this.store.appended.off("append", this.onAppend);
    this.signal?.removeEventListener("abort", this.onAbort);
    this.wake?.();
    this.hub.publish({ type: "closed", reason } as StoreReaderStatus);
    this.resolveClosed(this.end);
    this.onEnd();
  }
}
