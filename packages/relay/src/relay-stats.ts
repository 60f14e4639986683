import type { RelayStoreError } from "./relay-errors.js";
import type { SubscriberKind } from "./relay-status.js";

/** Counters of one source. */
export interface SourceStats {
  /** The source's `RelaySource.name` (the client's endpoint or the receiver's URL for sources made by `relaySourceFromClient` / `relaySourceFromReceiver`). */
  readonly name: string;
  /** Alerts received from it. */
  readonly received: number;
  /** False once its iteration ended. */
  readonly active: boolean;
}

/** Counters of one attached subscriber. */
export interface SubscriberStats {
  /** Stable id of this subscriber (1, 2, ...), as in status events. */
  readonly id: number;
  /** How it is attached: a gRPC `outputs.sub` stream, a gRPC `outputs.get` call, or an in-process `subscribe()`. */
  readonly kind: SubscriberKind;
  /** The client's user-agent for gRPC subscribers (e.g. `grpc-python/1.51.1 ...`), "in-process" otherwise. */
  readonly peer: string;
  /** When it attached (the relay's clock). */
  readonly connectedAt: Date;
  /** Alerts handed to it (written to its stream, or taken by its loop). */
  readonly delivered: number;
  /** Alerts it lost: its queue was full (it stopped polling or reading). */
  readonly dropped: number;
  /** Alerts waiting in its queue now. */
  readonly queued: number;
}

/** Counters of the relay, from `AlertRelay.stats()`. All counts are totals since creation. */
export interface RelayStats {
  /** Every source given in `RelayOptions.sources`, in that order, ended ones included (`active: false`). */
  readonly sources: readonly SourceStats[];
  /** The subscribers attached now. */
  readonly subscribers: readonly SubscriberStats[];
  /** Alerts received, over every source. */
  readonly received: number;
  /** Alerts delivered, over every subscriber that ever attached. */
  readonly delivered: number;
  /**
   * Alerts dropped, over every subscriber that ever attached, plus those dropped while
   * nobody was subscribed (more than `maxQueued` waited for the first subscriber).
   */
  readonly dropped: number;
  /**
   * Requests refused as malformed, over every listener: answered with a gRPC error or a
   * reset, never served (not gRPC, unknown method, truncated or oversized message, HTTP/2
   * violation). Each one is also a `request-rejected` status event.
   */
  readonly rejectedRequests: number;
  /** The write-through to the relay's `store` (absent without one). */
  readonly store?: RelayStoreStats;
}

/** Counters of the relay's write-through to its `store`, in `RelayStats.store`. */
export interface RelayStoreStats {
  /** Alerts appended to the store. */
  readonly stored: number;
  /** Alerts the store refused (full disk, read-only, damaged, closed): delivered, not stored. */
  readonly notStored: number;
  /** Appends that succeeded (one per event-loop turn with alerts). */
  readonly batches: number;
  /** Appends that failed. */
  readonly failedAppends: number;
  /** True from a failed append until one succeeds again. */
  readonly failing: boolean;
  /** The last failure (its `cause` is the store's error). */
  readonly lastError?: RelayStoreError;
  /** The intake journal (absent without the `intakeJournal` option). */
  readonly journal?: RelayJournalStats;
}

/** Counters of the relay's intake journal, in `RelayStoreStats.journal`. */
export interface RelayJournalStats {
  /** Alerts the journal held at start that the store lacked: appended then. */
  readonly replayed: number;
  /** Lines of the journal at start that were not an alert (a torn last line): skipped. */
  readonly dropped: number;
  /**
   * Journal writes that failed (full disk): the source was refused the alert (Falco's http_output
   * got a 500), or, for a source the relay reads, the alert was stored without the journal.
   */
  readonly failedWrites: number;
}
