import type { Alert } from "@falco-sdk/core";
import type { AppendResult } from "./append-types.js";
import {
  StoreAccessError,
  StoreClosedError,
  StoreCorruptError,
  StoreForeignError,
  StoreFullError,
} from "./store-errors.js";
import { StoreLockedError } from "./store-lock-error.js";
import type { AlertStoreOptions } from "./store-options.js";

/** What the store's append worker is started with. */
export interface AppendWorkerData {
  readonly options: AlertStoreOptions;
}

/** The fields of an alert the store keeps: what crosses to the worker (no `raw`, no `time`). */
export type StorableAlert = Pick<
  Alert,
  "timeNs" | "priority" | "rule" | "output" | "outputFields" | "hostname" | "tags" | "source"
>;

/** A batch to append. */
export interface AppendRequest {
  readonly type: "append";
  readonly id: number;
  readonly alerts: readonly StorableAlert[];
  /** Saved in the batch's transaction (`AppendOptions.checkpoint`). */
  readonly checkpoint?: { readonly name: string; readonly value: number };
}

/** An error as it crosses threads: its class by `code`, and its message. */
export interface WorkerError {
  readonly code: string | undefined;
  readonly message: string;
}

/** The answer to one `AppendRequest`. */
export type WorkerReply =
  | { readonly id: number; readonly result: AppendResult | undefined; readonly error?: undefined }
  | { readonly id: number; readonly error: WorkerError };

/** The fields of an alert the store keeps. */
export function storable(alert: Alert): StorableAlert {
  return {
    timeNs: alert.timeNs,
    priority: alert.priority,
    rule: alert.rule,
    output: alert.output,
    outputFields: alert.outputFields,
    hostname: alert.hostname,
    tags: alert.tags,
    source: alert.source,
  };
}

export function errorToWorker(error: unknown): WorkerError {
  const e = error as { code?: unknown; message?: unknown };
  return {
    code: typeof e?.code === "string" ? e.code : undefined,
    message: typeof e?.message === "string" ? e.message : String(error),
  };
}

const CLASSES = {
  "store-access": StoreAccessError,
  "store-closed": StoreClosedError,
  "store-corrupt": StoreCorruptError,
  "store-foreign": StoreForeignError,
  "store-full": StoreFullError,
  "store-locked": StoreLockedError,
} as const;

/** The error of the store's class for `code` (an `Error` for any other). */
export function errorFromWorker(error: WorkerError): Error {
  const Class = CLASSES[error.code as keyof typeof CLASSES];
  return Class === undefined ? new Error(error.message) : new Class(error.message);
}
