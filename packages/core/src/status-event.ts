import type { SubscriptionEnd } from "./subscription-end.js";

/**
 * One event of a `status()` iterable: `type` names it, the other fields say more. Every status
 * union of the SDK (`ClientStatus`, `ReceiverStatus`, ...) is made of these and ends with
 * {@link ClosedEvent}.
 */
export type StatusEvent<Type extends string, Fields extends object = object> = {
  readonly type: Type;
} & { readonly [K in keyof Fields]: Fields[K] };

/** The last event of every status iterable: the source was closed. */
export type ClosedEvent = StatusEvent<"closed">;

/**
 * The last event of a subscription's `status()`: it ended, and why (the same value its
 * `closed` promise resolves to), e.g. `{ type: "closed", reason: "unsubscribed" }`.
 */
export type SubscriptionClosedEvent = ClosedEvent & SubscriptionEnd;

/**
 * `count` alerts were lost: a full queue dropped them, or they were still queued when the
 * subscription ended. `total` counts every such alert so far.
 */
export type DroppedEvent = StatusEvent<"dropped", { count: number; total: number }>;

/** The events of a subscription's `status()` when its package defines no others. */
export type SubscriptionStatus = DroppedEvent | SubscriptionClosedEvent;
