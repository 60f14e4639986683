import type { Alert } from "@falco-sdk/core";
import type { OutgoingAlert } from "./backlog.js";

/**
 * What the forwarder and its publisher need of a backlog: the in-memory `Backlog`, or the
 * on-disk `SpoolBacklog`. Sources `take` alerts; the publisher publishes `current()` (or waits in
 * `next()`) and `settle`s it once JetStream acked or rejected it.
 */
export interface ForwarderBacklog {
  /** Alerts not yet acknowledged, the one in flight included. */
  readonly size: number;
  /** Alerts dropped because the backlog was full. */
  readonly dropped: number;
  /** Takes an alert read from a source; true when the oldest had to be dropped for it. */
  take(alert: Alert): boolean;
  /** The alert in flight, if any (for the spool) or the oldest (then in flight). */
  current(): OutgoingAlert | undefined;
  /** Waits for an alert, which is then in flight; undefined when `signal` aborts first. */
  next(signal: AbortSignal): Promise<OutgoingAlert | undefined>;
  /** `item` was acked or rejected: it leaves the backlog. */
  settle(item: OutgoingAlert): void;
  /** Resolves once fewer than `below` alerts wait, or at `wake()`; callers check again. */
  whenBelow(below: number): Promise<void>;
  /** Resolves once the backlog is empty, or at `wake()`; callers check again. */
  whenEmpty(): Promise<void>;
  /** Releases every waiter (the forwarder failed or closed). */
  wake(): void;
  /** Saves what must survive (the spool's cursor) and lets go of resources. */
  close(): void;
}
