import { FalcoError } from "@falco-sdk/core";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "relay-closed": RelayClosedError;
  }
}

/** `listen()` or `subscribe()` on a relay after `close()`. */
export class RelayClosedError extends FalcoError<"relay-closed"> {
  constructor(what: string) {
    super(
      "relay-closed",
      `${what}: the relay is closed. Create a new one with createAlertRelay().`,
    );
  }
}

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "relay-store": RelayStoreError;
  }
}

/** What a program embedding the relay does about each store failure, in option words. */
const STORE_ADVICE: Readonly<Record<string, string>> = {
  "store-full":
    "Free space on the store's disk, or give openAlertStore a smaller maxBytes so that " +
    "retention keeps the store within it.",
  "store-access":
    "Make the store's directory and its files writable by this process (a read-only file " +
    "system cannot hold a store), or open the store in another directory.",
  "store-corrupt":
    "Keep the damaged file for recovery (sqlite3's .recover) and open a new store in another directory.",
  "store-foreign": "Move the file away or open the store in another directory.",
  "store-closed": "Close the relay before its store (relay.close(), then store.close()).",
};

/**
 * The relay could not append alerts to its `store`: they were still delivered to its
 * subscribers, but are not stored. `cause` is the store's error (its `code`: `store-full`,
 * `store-access`, `store-corrupt`, ...). Reported in `status()` (`store-failed`) and
 * `stats().store`, never thrown: the relay goes on, and stores again once the store takes
 * appends again.
 */
export class RelayStoreError extends FalcoError<"relay-store"> {
  /** The store error's code, e.g. `store-full`; `unknown` for any other failure. */
  readonly storeCode: string;
  constructor(count: number, cause: unknown) {
    const storeCode =
      cause instanceof FalcoError && cause.code.startsWith("store-") ? cause.code : "unknown";
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      "relay-store",
      `${count} alert${count === 1 ? " was" : "s were"} not stored (the subscribers still got ` +
        `${count === 1 ? "it" : "them"}): ${reason}${STORE_ADVICE[storeCode] ? ` ${STORE_ADVICE[storeCode]}` : ""}`,
      { cause, namedOptions: [{ api: "openAlertStore", name: "maxBytes" }] },
    );
    this.storeCode = storeCode;
  }
}
