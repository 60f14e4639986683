import { EventEmitter } from "node:events";
import type { Alert } from "@falco-sdk/core";
import type Database from "better-sqlite3";
import { AlertWriter, appendFailure } from "./alert-writer.js";
import { AppendThread } from "./append-thread.js";
import type { AlertStoreStats, AppendOptions, AppendResult } from "./append-types.js";
import { Dictionary } from "./dictionary.js";
import { lockDirectory } from "./directory-lock.js";
import { checkCountedFields } from "./field-counts.js";
import { classify, databasePath, openDatabase } from "./open-database.js";
import { Retention, type RetentionLimits } from "./retention.js";
import { StoreCheckpoints } from "./store-checkpoints.js";
import { StoreClosedError, StoreFullError } from "./store-errors.js";
import { type JsonPage, type JsonPageOptions, readJsonPage } from "./store-json-page.js";
import type { AlertStoreOptions } from "./store-options.js";
import {
  type FacetOptions,
  type Facets,
  type Histogram,
  type HistogramOptions,
  type QueryOptions,
  type QueryPage,
  StoreQueries,
} from "./store-queries.js";
import { type ReadOptions, StoreReader } from "./store-reader.js";
import type { StoredAlert } from "./stored-alert.js";
import { storedAlertFromRow } from "./stored-alert-row.js";

export type { AlertStoreStats, AppendOptions, AppendResult } from "./append-types.js";

/**
 * An embedded, durable alert store in a directory (SQLite in WAL mode). Every alert appended gets
 * a cursor; `read` gives every alert after a cursor and then live ones; `query`, `facets` and
 * `histogram` look back; retention removes the oldest alerts by age, bytes or count.
 */
export class AlertStore {
  /** The store's SQLite connection (its readers query it). @internal */
  readonly db: Database.Database;
  /** Ids of rule names, hostnames, sources and tags (read through `lookup`). */
  private readonly dict: Dictionary;
  /** Emits `"append"` with the newest cursor after each `append` of this process. @internal */
  readonly appended = new EventEmitter();
  private readonly retention: Retention;
  private readonly queries: StoreQueries;
  private readonly writer: AlertWriter;
  private readonly counter: Database.Statement;
  private readonly maxDictId: Database.Statement;
  private readonly readers = new Set<StoreReader>();
  private readonly path: string;
  private readonly checkpoints: StoreCheckpoints;
  /** The lock of an `exclusive` store, held until `close()`. */
  private readonly lock: Database.Database | undefined;
  private isClosed = false;
  /** The thread of `appendAsync`, started on its first batch. */
  private appendThread: AppendThread | undefined;
  private threadClosed: Promise<void> | undefined;
  private readonly options: AlertStoreOptions;
  /** How often readers look for alerts another process appended. @internal */
  readonly checkIntervalMs: number;

  private constructor(options: AlertStoreOptions) {
    this.path = databasePath(options.directory);
    this.options = options;
    if (options.countedFields !== undefined) checkCountedFields(options.countedFields);
    this.db = openDatabase(options.directory, options.durable ?? true, options.countedFields);
    try {
      this.lock = options.exclusive ? lockDirectory(options.directory) : undefined;
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.checkpoints = new StoreCheckpoints(this.db);
    this.dict = new Dictionary(this.db);
    this.writer = new AlertWriter(this.db, this.dict, options.textIndex ?? true);
    this.counter = this.db.prepare("SELECT value FROM counters WHERE name = ?").pluck();
    this.maxDictId = this.db.prepare("SELECT coalesce(max(id), 0) FROM dict").pluck();
    this.checkIntervalMs = options.checkIntervalMs ?? 1000;
    this.appended.setMaxListeners(0);
    const limits: RetentionLimits = {
      maxAgeMs: options.retentionMs,
      maxBytes: options.maxBytes,
      maxCount: options.maxCount,
    };
    this.retention = new Retention(this.db, limits, this.checkIntervalMs);
    this.queries = new StoreQueries(this.db, this.dict, () => this.writer.countedFields());
    this.retention.enforce();
  }

  /** Opens the store in `options.directory`, creating it when missing. */
  static open(options: AlertStoreOptions): AlertStore {
    return new AlertStore(options);
  }

  /**
   * Stores a batch of alerts in one transaction: when it returns they are on disk (see
   * `durable`), each with the next cursor. On a full disk it throws {@link StoreFullError} and
   * stores none of the batch. With `options.checkpoint`, the checkpoint is saved in the same
   * transaction.
   */
  append(alerts: readonly Alert[], options: AppendOptions = {}): AppendResult | undefined {
    this.checkOpen();
    const checkpoint = options.checkpoint;
    if (alerts.length === 0) {
      if (checkpoint) this.setCheckpoint(checkpoint.name, checkpoint.value);
      return undefined;
    }
    const dictBefore = Number(this.maxDictId.get()) + 1;
    let first = 0;
    let last = 0;
    try {
      this.db.transaction(() => {
        ({ first, last } = this.writer.write(alerts));
        if (checkpoint) {
          this.checkpoints.set(checkpoint.name, Math.max(Math.trunc(checkpoint.value), 0));
        }
      })();
    } catch (cause) {
      this.dict.forget(dictBefore);
      throw appendFailure(this.path, alerts.length, cause);
    }
    this.appended.emit("append", last);
    this.retention.afterAppend();
    return { first, last };
  }

  /**
   * Like `append`, in a worker thread with its own connection to the store, so that this
   * thread's event loop runs on while SQLite works (better-sqlite3 is synchronous: `append`
   * stops it for about 40 µs per alert). Batches are stored in the order they were given, and
   * readers of this store see them as they see `append`'s. Resolves once the batch is on disk
   * (see `durable`); rejects as `append` throws (e.g. {@link StoreFullError}), and with
   * {@link StoreClosedError} for a batch given after `close()`. Uses a second core when there is
   * one; the thread starts on the first call, and `close()` lets the batches in flight finish.
   */
  appendAsync(
    alerts: readonly Alert[],
    options: AppendOptions = {},
  ): Promise<AppendResult | undefined> {
    if (this.isClosed)
      return Promise.reject(new StoreClosedError(`the store at ${this.path} was closed`));
    if (alerts.length === 0 && options.checkpoint === undefined) return Promise.resolve(undefined);
    this.appendThread ??= new AppendThread(this.options, (last) => {
      if (!this.isClosed) this.appended.emit("append", last);
    });
    return this.appendThread.append(alerts, options);
  }

  /** Every alert after a cursor, in order, then (with `follow`) live ones as they are appended. */
  read(options: ReadOptions = {}): StoreReader {
    this.checkOpen();
    const reader = new StoreReader(this, options, () => this.readers.delete(reader));
    this.readers.add(reader);
    return reader;
  }

  /**
   * A page of alerts after a cursor, oldest first, as their stored Falco JSON text (not parsed:
   * big integers stay exact and nothing is re-serialized). For servers that pass alerts on.
   */
  readJsonPage(options: JsonPageOptions): JsonPage {
    this.checkOpen();
    return readJsonPage(
      this.db,
      (kind, value) => this.dict.lookup(kind, value),
      () => this.range(),
      options,
    );
  }

  /**
   * Calls `listener` with the newest cursor after each `append` of this process (alerts another
   * process appends are not seen: poll `stats()` for those). Returns the function that removes it.
   */
  onAppend(listener: (last: number) => void): () => void {
    this.appended.on("append", listener);
    return () => this.appended.off("append", listener);
  }

  /**
   * A page of alerts, newest first; pass its `next` as `before` for the page after it.
   * @throws StoreClosedError after `close()`.
   */
  query(options?: QueryOptions): QueryPage {
    this.checkOpen();
    return this.queries.query(options);
  }

  /**
   * Counts by priority, rule, hostname, source, tag and the output fields asked for.
   * @throws StoreClosedError after `close()`.
   */
  facets(options?: FacetOptions): Facets {
    this.checkOpen();
    return this.queries.facets(options);
  }

  /**
   * Counts per time bucket and priority.
   * @throws StoreClosedError after `close()`.
   */
  histogram(options?: HistogramOptions): Histogram {
    this.checkOpen();
    return this.queries.histogram(options);
  }

  /**
   * The id of a rule name, hostname, source or tag in the store's dictionary; undefined when no
   * alert ever had it. @internal
   */
  lookup(kind: "rule" | "hostname" | "source" | "tag", value: string): number | undefined {
    return this.dict.lookup(kind, value);
  }

  /**
   * Figures of the store now: alerts kept, cursors, removed, bytes, readers.
   * @throws StoreClosedError after `close()`.
   */
  stats(): AlertStoreStats {
    this.checkOpen();
    const range = this.range();
    return {
      count: range.first === 0 ? 0 : range.last - range.first + 1,
      firstCursor: range.first,
      lastCursor: range.last,
      removed: Number(this.counter.get("removed")),
      bytes: this.retention.usedBytes(),
      readers: this.readers.size,
    };
  }

  /** The cursors of the oldest and newest alert kept (0, last when empty). @internal */
  range(): { first: number; last: number } {
    const first = Number(this.db.prepare("SELECT coalesce(min(seq), 0) FROM alerts").pluck().get());
    const last = Number(
      this.db
        .prepare("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = 'alerts'")
        .pluck()
        .get(),
    );
    return { first, last };
  }

  /** Alerts with a cursor greater than `after`, oldest first. @internal */
  page(after: number, limit: number): StoredAlert[] {
    const rows = this.db
      .prepare("SELECT seq, json FROM alert_json WHERE seq > ? ORDER BY seq LIMIT ?")
      .all(after, limit) as { seq: number; json: string }[];
    return rows.map(storedAlertFromRow);
  }

  /** The cursor saved under `name` by {@link AlertStore.setCheckpoint}; 0 when none was. */
  checkpoint(name: string): number {
    this.checkOpen();
    return this.checkpoints.get(name);
  }

  /**
   * Saves `cursor` under `name` (a consumer's "done up to here"), on disk when it returns (see
   * `durable`), kept across restarts. Read it back with {@link AlertStore.checkpoint}.
   */
  setCheckpoint(name: string, cursor: number): void {
    this.checkOpen();
    try {
      this.checkpoints.set(name, Math.max(Math.trunc(cursor), 0));
    } catch (cause) {
      throw classify(this.path, cause);
    }
  }

  /**
   * Removes every alert with a cursor up to `cursor`: what its consumers are done with (a spool
   * removes what was delivered). Not counted in `stats().removed`, which counts what retention
   * removed. A reader whose cursor is below it gets a `gap` status event. Returns how many.
   */
  removeThrough(cursor: number): number {
    this.checkOpen();
    try {
      return this.checkpoints.removeThrough(cursor);
    } catch (cause) {
      throw classify(this.path, cause);
    }
  }

  /** True once `close()` was called; `append`, `read`, `query`, `stats`, ... then throw {@link StoreClosedError}. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Ends every reader and closes the database; the batches of `appendAsync` in flight are still
   * stored (the promise of {@link AlertStore.closeAsync} says when).
   */
  close(): void {
    void this.closeAsync();
  }

  /** `close()`, resolved once the batches of `appendAsync` in flight are stored (or failed). */
  closeAsync(): Promise<void> {
    if (this.isClosed) return this.threadClosed ?? Promise.resolve();
    this.isClosed = true;
    this.threadClosed = this.appendThread?.close();
    for (const reader of this.readers) reader.unsubscribe();
    this.retention.stop();
    this.db.close();
    this.lock?.close();
    return this.threadClosed ?? Promise.resolve();
  }

  private checkOpen(): void {
    if (this.isClosed) throw new StoreClosedError(`the store at ${this.path} was closed`);
  }
}

/** Opens (or creates) the store in a directory. Close it with `close()`. */
export function openAlertStore(options: AlertStoreOptions): AlertStore {
  return AlertStore.open(options);
}
