import type {
  Alert,
  AlertParseError,
  AlertSubscription,
  ConfigurationError,
  DroppedEvent,
  StatusEvent,
  SubscriptionClosedEvent,
} from "@falco-sdk/core";
import type { ApiError } from "./api-errors.js";
import type { ApiFilter, ApiTime } from "./client-options.js";

/** An alert read from the API, with its cursor. */
export interface ApiAlert extends Alert {
  /**
   * Its place in the server's store: 1 for the first alert it stored, then each one more,
   * never reused. Resume after it with `subscribe({ resumeFrom: cursor })`.
   */
  readonly cursor: number;
}

/** Options of `subscribe()`. */
export interface SubscribeOptions {
  /**
   * Start after this cursor: `0` is from the oldest alert the server keeps, the cursor of an
   * alert is right after it. Unused when `cursorFile` holds a cursor. @default from now (live
   * alerts only)
   */
  readonly resumeFrom?: number;
  /** Which alerts the server sends. @default every alert */
  readonly filter?: ApiFilter;
  /**
   * Only alerts at or after this event time (a `Date`, RFC 3339, or a duration ago such as
   * `"1h"`): with `resumeFrom: 0`, the stored alerts of the last hour, then live ones.
   * @default any time
   */
  readonly since?: ApiTime;
  /**
   * A file that keeps the cursor of the last alert the loop has finished with, so that the
   * next run resumes right after it: read at `subscribe()` (it wins over `resumeFrom`), and
   * replaced atomically (a temporary file renamed over it) when the loop asks for the next
   * alert and when the loop ends (`break`, `return`, an exception out of the loop body,
   * `unsubscribe()`). The alert in hand when the process is killed is delivered again on the
   * next run; none is skipped. @default none
   */
  readonly cursorFile?: string;
  /**
   * While alerts are queued for the loop (a burst), save `cursorFile` at most this often
   * instead of after every alert: a save costs a write and a rename, which caps a loop that
   * saves every alert far below the stream's speed (`pnpm bench` in this package measures
   * both). A process killed in a burst then gets
   * again, on its next run, the alerts it finished with since the last save (none skipped).
   * The file is still saved at once when the loop has caught up (it is going to wait) and
   * when it ends. @default 0 (after every alert)
   */
  readonly cursorSaveIntervalMs?: number;
  /** Ends the subscription (`"aborted"`) when aborted. @default none */
  readonly signal?: AbortSignal;
  /**
   * Alerts received and not yet taken by the loop, beyond which the stream stops reading
   * (the server then holds the rest): memory stays bounded and nothing is dropped.
   * @default 1000
   */
  readonly maxBufferedAlerts?: number;
}

/** The status events of a stream subscription, by `type`. */
export type AlertStreamStatus =
  /** A connection is being made; `after` is the cursor it resumes after (undefined: from now). */
  | StatusEvent<"connecting", { url: string; after: number | undefined; attempt: number }>
  /** The server accepted the stream. */
  | StatusEvent<"connected", { url: string; after: number | undefined }>
  /**
   * The connection failed or dropped; the next attempt is in `retryInMs` (it resumes after the
   * last alert received, so nothing is lost). `failures` counts the failed attempts in a row
   * (0 when a stream that worked dropped: it is resumed at once).
   */
  | StatusEvent<"disconnected", { error: ApiError; failures: number; retryInMs: number }>
  /** The server's retention removed `count` alerts after cursor `after` before they were sent. */
  | StatusEvent<"gap", { count: number; after: number }>
  /** Every alert stored up to `cursor` was sent; what follows is live. Once per connection. */
  | StatusEvent<"caught-up", { cursor: number }>
  /** The alert of `cursor` is not a Falco alert; it was skipped. */
  | StatusEvent<"invalid-alert", { cursor: number; error: AlertParseError }>
  /** The cursor file could not be written (reported once until a write works again). */
  | StatusEvent<"cursor-not-saved", { error: ConfigurationError }>
  | DroppedEvent
  | SubscriptionClosedEvent;

/** A status event other than the ones `QueuedSubscription` publishes itself. */
export type StreamEvent = Exclude<AlertStreamStatus, DroppedEvent | SubscriptionClosedEvent>;

/**
 * What `subscribe()` returns: the SDK's `AlertSubscription` of alerts with their cursor, and
 * the cursor the loop has reached.
 */
export interface AlertStreamSubscription extends AlertSubscription<ApiAlert, AlertStreamStatus> {
  /**
   * The cursor of the last alert the loop has finished with (it asked for the next one, or
   * ended): what `cursorFile` holds. Undefined before the first.
   */
  readonly cursor: number | undefined;
  /** Alerts handed to the loop so far. */
  readonly delivered: number;
  /** Alerts discarded when the subscription was ended with alerts still queued. */
  readonly dropped: number;
}
