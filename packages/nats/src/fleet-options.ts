import type { Alert, AlertFilter, Priority } from "@falco-sdk/core";
import type { NatsConnectionOptions } from "./connection-options.js";

/** Which alerts of the fleet to read. Host, source and one priority map to the subject. */
export interface FleetFilter extends AlertFilter {
  /** Only these hostnames (exact). One host narrows the consumer's subject. */
  readonly hosts?: readonly string[];
  /** Only these priorities. One priority narrows the consumer's subject. */
  readonly priorities?: readonly Priority[];
}

/** Where a consumer starts when it is created (an existing durable resumes where it was). */
export type FleetStart = "new" | "all" | Date;

/** Options of `subscribeFleet()`. */
export interface SubscribeFleetOptions extends NatsConnectionOptions {
  /** The stream to read. @default "FALCO_ALERTS" */
  readonly stream?: string;
  /** The forwarders' subject prefix. @default "falco.alerts" */
  readonly subjectPrefix?: string;
  /**
   * Name of a durable consumer: it remembers what was acknowledged across restarts, and
   * several subscribers with the same name share its alerts (a work queue). Without it, an
   * ephemeral consumer is created that the server removes 30 s after this subscriber leaves.
   * @default ephemeral
   */
  readonly durable?: string;
  /** Filters; what the subject cannot express is checked here (non-matching alerts are acked). @default everything */
  readonly filter?: FleetFilter;
  /**
   * Where a new consumer starts: `"new"` (alerts from now on), `"all"` (the whole stream) or
   * a `Date` (replay from that time). An existing durable keeps its position. @default "new"
   */
  readonly start?: FleetStart;
  /**
   * How long the server waits for an ack before delivering an alert again (to this or another
   * subscriber of the durable). @default 30000
   */
  readonly ackWaitMs?: number;
  /**
   * Delays each alert's acknowledgement without holding the loop: when the loop asks for the
   * next alert, the one it had is acknowledged once the promise this returns resolves (e.g. once
   * the alert is on disk: a relay's `whenStored()`), while the loop goes on. A rejected promise
   * leaves it unacknowledged: JetStream delivers it again after `ackWaitMs`. At most
   * `max_ack_pending` (1000, or 4 x `maxBufferedAlerts`) alerts wait for their ack; `close()`
   * waits for the pending promises before it lets the connection go.
   * @default none: acknowledged when the loop asks for the next alert
   */
  readonly ackAfter?: (alert: Alert) => Promise<void> | undefined;
  /** Alerts fetched ahead of the loop. @default 64 */
  readonly maxBufferedAlerts?: number;
  /**
   * When the stream does not exist yet, wait for a forwarder to create it (status
   * `waiting-for-stream`) instead of failing with `NatsStreamError`. @default false
   */
  readonly waitForStream?: boolean;
  /** Ends the subscription when aborted. */
  readonly signal?: AbortSignal;
}
