import { Worker } from "node:worker_threads";
import type { Alert } from "@falco-sdk/core";
import type { AppendOptions, AppendResult } from "./append-types.js";
import { StoreClosedError } from "./store-errors.js";
import type { AlertStoreOptions } from "./store-options.js";
import {
  type AppendRequest,
  type AppendWorkerData,
  errorFromWorker,
  storable,
  type WorkerReply,
} from "./worker-protocol.js";

/**
 * The worker's script: always the built one (`dist/append-worker.js`), from `src/` (tests run the
 * sources) and from `dist/` alike: a worker thread cannot run TypeScript.
 */
const SCRIPT = new URL("../dist/append-worker.js", import.meta.url);

/**
 * This process's Node options without export conditions: the built worker imports the built
 * packages (a test runner's condition for TypeScript sources would make it import `.ts` files).
 */
function builtExecArgv(): string[] {
  const args: string[] = [];
  const all = process.execArgv;
  for (let i = 0; i < all.length; i++) {
    const arg = all[i] as string;
    if (arg === "--conditions" || arg === "-C") i++;
    else if (!arg.startsWith("--conditions=") && !arg.startsWith("-C=")) args.push(arg);
  }
  return args;
}

interface Pending {
  readonly resolve: (result: AppendResult | undefined) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A worker thread with its own connection to a store, appending the batches of
 * `AlertStore.appendAsync` in the order they were given: better-sqlite3 is synchronous, so an
 * append on the caller's thread stops its event loop for as long as SQLite works. Started on the
 * first batch; it keeps the process alive only while a batch is in flight.
 */
export class AppendThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  #ended: Error | undefined;
  readonly #exited: Promise<void>;

  constructor(
    options: AlertStoreOptions,
    private readonly appended: (last: number) => void,
  ) {
    const data: AppendWorkerData = {
      // The caller's handle holds the directory's lock, if any; retention runs there too.
      options: { ...options, exclusive: false, countedFields: undefined },
    };
    this.#worker = new Worker(SCRIPT, { workerData: data, execArgv: builtExecArgv() });
    this.#worker.unref();
    this.#worker.on("message", (reply: WorkerReply) => this.#answer(reply));
    this.#worker.on("error", (error) => {
      this.#ended ??= new StoreClosedError(
        `the store's append thread failed (${error.message}): the alerts of appendAsync in flight were not stored; append them again`,
        { cause: error },
      );
    });
    this.#exited = new Promise((resolve) =>
      this.#worker.once("exit", (code) => {
        this.#ended ??= new StoreClosedError(
          `the store's append thread ended (exit code ${code}): append again after opening the store`,
        );
        for (const p of this.#pending.values()) p.reject(this.#ended);
        this.#pending.clear();
        resolve();
      }),
    );
  }

  /** Batches sent and not answered yet. */
  get pending(): number {
    return this.#pending.size;
  }

  append(alerts: readonly Alert[], options: AppendOptions): Promise<AppendResult | undefined> {
    if (this.#ended) return Promise.reject(this.#ended);
    const id = this.#nextId++;
    const request: AppendRequest = {
      type: "append",
      id,
      alerts: alerts.map(storable),
      ...(options.checkpoint && { checkpoint: options.checkpoint }),
    };
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (this.#pending.size === 1) this.#worker.ref();
      this.#worker.postMessage(request);
    });
  }

  /** Lets the batches in flight finish, then ends the thread. */
  close(): Promise<void> {
    this.#ended ??= new StoreClosedError(
      "the store was closed: appendAsync after close() stores nothing",
    );
    this.#worker.ref();
    this.#worker.postMessage({ type: "close" });
    return this.#exited;
  }

  #answer(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.id);
    if (pending === undefined) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if (reply.error !== undefined) pending.reject(errorFromWorker(reply.error));
    else {
      if (reply.result !== undefined) this.appended(reply.result.last);
      pending.resolve(reply.result);
    }
  }
}
