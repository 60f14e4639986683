// `relay --store DIR [--retention 7d] [--max-store-bytes N] [--max-store-alerts N]`: the
// relay's write-through store, its flags, and its failures in flag words.

import { FalcoError, type FalcoErrorOptions } from "@falco-sdk/core";
import type { RelayStoreError } from "@falco-sdk/relay";
import { type AlertStore, type AlertStoreOptions, openAlertStore } from "@falco-sdk/store";
import { InvalidArgumentError } from "commander";
import { UsageError } from "./exit-codes.js";
import { plural } from "./plural.js";

/** The store flags, as commander parses them. */
export interface StoreFlags {
  store?: string;
  retention?: number;
  maxStoreBytes?: number;
  maxStoreAlerts?: number;
  /** False with --no-store-fsync. */
  storeFsync?: boolean;
}

const DURATION_UNITS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** `--retention`: `90s`, `15m`, `24h`, `7d` (a whole number and a unit), in milliseconds. */
export function parseRetention(value: string): number {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (DURATION_UNITS[match[2]!] ?? 0) : 0;
  if (!match || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new InvalidArgumentError("a duration such as 90s, 15m, 24h or 7d");
  }
  return ms;
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** `--max-store-bytes`: bytes (`1048576`) or a size such as `500MB`, `2GiB`, `1.5GB`. */
export function parseByteSize(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(value.trim());
  const unit = BYTE_UNITS[(match?.[2] ?? "").toLowerCase()];
  const bytes = match && unit !== undefined ? Math.floor(Number(match[1]) * unit) : 0;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new InvalidArgumentError("a size in bytes, or such as 500MB, 2GiB");
  }
  return bytes;
}

/** What to do about each failure of the store, in flag words. */
const STORE_ADVICE: Readonly<Record<string, string>> = {
  "store-full":
    "free space on that disk, or restart with a smaller --max-store-bytes so that retention keeps the store within it",
  "store-access":
    "make the directory writable by this user (not on a read-only file system), or give another --store directory",
  "store-corrupt":
    "keep the file for recovery (sqlite3's .recover) and restart with another --store directory",
  "store-foreign": "move that file away, or give another --store directory",
  "store-closed": "restart the relay",
};

/**
 * The store's message without its advice (in library words): up to the first sentence end
 * outside parentheses.
 */
function whatHappened(message: string): string {
  let depth = 0;
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === "." && depth === 0 && /^\s+[A-Z]/.test(message.slice(i + 1, i + 3))) {
      return message.slice(0, i);
    }
  }
  return message.replace(/\.$/, "");
}

/**
 * Opens the `--store` directory with its retention flags; undefined without `--store`.
 * @throws UsageError for a retention flag without --store; the store's errors (same class and
 *   code, so the same exit status) with the flag and what to do in flag words.
 * `countedFields`: the store's option of that name (undefined: the fields the store counts).
 */
export function openStoreFromFlags(
  flags: StoreFlags,
  countedFields?: readonly string[],
): AlertStore | undefined {
  if (flags.store === undefined) {
    const orphan = [
      flags.retention !== undefined && "--retention",
      flags.maxStoreBytes !== undefined && "--max-store-bytes",
      flags.maxStoreAlerts !== undefined && "--max-store-alerts",
      flags.storeFsync === false && "--no-store-fsync",
    ].filter(Boolean);
    if (orphan.length > 0) {
      throw new UsageError(
        `${orphan.join(", ")} ${orphan.length === 1 ? "limits" : "limit"} the store: give --store DIR too`,
      );
    }
    return undefined;
  }
  if (flags.store.trim() === "") throw new UsageError("--store needs a directory");
  const options: AlertStoreOptions = {
    directory: flags.store,
    ...(flags.retention !== undefined && { retentionMs: flags.retention }),
    ...(flags.maxStoreBytes !== undefined && { maxBytes: flags.maxStoreBytes }),
    ...(flags.maxStoreAlerts !== undefined && { maxCount: flags.maxStoreAlerts }),
    durable: flags.storeFsync !== false,
    ...(countedFields !== undefined && { countedFields }),
  };
  try {
    return openAlertStore(options);
  } catch (error) {
    if (!(error instanceof FalcoError)) throw error;
    const advice = STORE_ADVICE[error.code];
    const Same = error.constructor as new (message: string, options?: FalcoErrorOptions) => Error;
    const what = advice ? `${whatHappened(error.message)}: ${advice}` : error.message;
    throw new Same(`--store ${flags.store}: ${what}`, { cause: error });
  }
}

/** One stderr line for a failed append of the relay's store. */
export function storeFailureLine(
  directory: string,
  error: RelayStoreError,
  notStored: number,
): string {
  const cause = error.cause instanceof Error ? error.cause.message : String(error.cause);
  if (error.cause instanceof FalcoError && error.cause.code === "relay-journal") {
    return (
      `--store ${directory}: cannot write the intake journal, so Falco's http_output is answered ` +
      `500 (alerts read from --from or --from-nats are still stored): ${cause}. The relay goes on.`
    );
  }
  const advice = STORE_ADVICE[error.storeCode] ?? "see the error above";
  return (
    `--store ${directory}: alerts are not being stored (${notStored} so far; subscribers still get ` +
    `them): ${whatHappened(cause)}: ${advice}. The relay goes on, and stores again once the ` +
    "store takes appends."
  );
}

/** The intake journal's file in the --store directory (`relay --store` and `ui`). */
export const INTAKE_JOURNAL_FILE = "intake-journal";

/**
 * The line `relay --store` prints at start when its intake journal held alerts the store lacked
 * (appended now) or torn lines (skipped); undefined when neither.
 */
export function journalReplayLine(
  directory: string,
  journal: { readonly replayed: number; readonly dropped: number } | undefined,
): string | undefined {
  if (journal === undefined || journal.replayed + journal.dropped === 0) return undefined;
  const torn =
    journal.dropped > 0
      ? `; ${plural(journal.dropped, "torn line")} of the intake journal skipped`
      : "";
  return `--store ${directory}: stored ${plural(journal.replayed, "alert")} received before the last stop${torn}`;
}
