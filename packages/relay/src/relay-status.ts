import type { RejectionReason } from "@falco-sdk/grpc-server";
import type { RelayStoreError } from "./relay-errors.js";

/** An event of the relay, from `AlertRelay.status()`. */
export type RelayStatus =
  /** A gRPC listener is ready. */
  | { readonly type: "listening"; readonly endpoint: string }
  /** An event of source `source` (its client's or receiver's own status event). */
  | { readonly type: "source-status"; readonly source: string; readonly event: { type: string } }
  /** Source `source` ended (`error` when its iteration threw, e.g. the client gave up). */
  | { readonly type: "source-ended"; readonly source: string; readonly error?: unknown }
  | {
      readonly type: "subscriber-connected";
      readonly subscriber: number;
      readonly kind: SubscriberKind;
      readonly peer: string;
    }
  /** The subscriber left; `dropped` alerts never reached it. */
  | {
      readonly type: "subscriber-disconnected";
      readonly subscriber: number;
      readonly delivered: number;
      readonly dropped: number;
    }
  /**
   * Subscriber `subscriber` lost its oldest alerts because it does not keep up (stopped
   * polling or reading). Sent at its first drop, then at most once per second while it drops.
   */
  | { readonly type: "subscriber-dropping"; readonly subscriber: number; readonly dropped: number }
  /**
   * A malformed request was refused (answered with a gRPC error or a reset); other
   * clients carry on. `peer` is its user-agent, or "unknown".
   */
  | {
      readonly type: "request-rejected";
      readonly reason: RejectionReason;
      readonly message: string;
      readonly peer: string;
    }
  /**
   * An append to the relay's `store` failed: its alerts were delivered but not stored
   * (`notStored` in all so far). Sent at the first failure, then at most once per second
   * while appends keep failing. `error.cause` is the store's error.
   */
  | { readonly type: "store-failed"; readonly error: RelayStoreError; readonly notStored: number }
  /** An append succeeded again after failures. */
  | { readonly type: "store-recovered"; readonly notStored: number }
  /** `close()` finished; the status iterable ends after this event. */
  /**
   * At start, with an `intakeJournal`: what the journal held that the store lacked (`replayed`,
   * appended now) and its lines that were not alerts (`dropped`: a torn last line).
   */
  | { readonly type: "journal-replayed"; readonly replayed: number; readonly dropped: number }
  | { readonly type: "closed" };

/**
 * How a subscriber is attached: `"sub"`, a gRPC `outputs.sub` stream; `"get"`, a gRPC
 * `outputs.get` call (it ends once the queued alerts are written); `"local"`, an in-process
 * `AlertRelay.subscribe()`.
 */
export type SubscriberKind = "sub" | "get" | "local";
