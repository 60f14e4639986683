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
