import type { FalcoError } from "./errors.js";

/**
 * Why a subscription ended, as its `closed` promise and its last status event say:
 * - `"unsubscribed"`: `unsubscribe()`, `break` out of its loop, or `await using` leaving scope;
 * - `"aborted"`: the AbortSignal given in its options (or its source's `close()`);
 * - `"completed"`: its source ended on purpose and nothing more will come;
 * - `"failed"`: its source failed; `error` says why and what to do (the loop threw it).
 */
export type SubscriptionEnd =
  | { readonly reason: "unsubscribed" | "aborted" | "completed" }
  | { readonly reason: "failed"; readonly error: FalcoError };

/** The reason of a {@link SubscriptionEnd}. */
export type SubscriptionEndReason = SubscriptionEnd["reason"];
