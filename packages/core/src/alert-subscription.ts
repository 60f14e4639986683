import type { Alert } from "./alert.js";
import type { StatusEvent } from "./status-event.js";
import type { SubscriptionEnd } from "./subscription-end.js";

/**
 * A live stream of alerts, the one shape every package returns (a Falco client's `subscribe()`,
 * a relay's `subscribe()`, an HTTP receiver's `alerts()`, ...): `for await` it once, and end it
 * with `break`, an AbortSignal, `unsubscribe()` or `await using`.
 *
 * ```ts
 * await using subscription = falco.subscribe();
 * for await (const alert of subscription) console.log(alert.rule);
 * ```
 */
export interface AlertSubscription<
  T extends Alert = Alert,
  S extends { readonly type: string } = StatusEvent<string>,
> extends AsyncIterable<T>,
    AsyncDisposable {
  /** Alerts received and not yet handed to the loop; ending the subscription discards them. */
  readonly pending: number;
  /** Resolves once the subscription has ended, with why; never rejects. */
  readonly closed: Promise<SubscriptionEnd>;
  /** Ends the subscription (`"unsubscribed"`): the loop over it finishes without an error. */
  unsubscribe(): void;
  /**
   * This subscription's events from now on, each named by `type`; the last is `closed` (with
   * the same reason as `closed`). Called after the end, it yields only that `closed` event.
   * `S` is the union of its events (each package names its own, e.g. `FalcoSubscriptionStatus`);
   * the default takes any, so every subscription is an `AlertSubscription`.
   */
  status(): AsyncIterable<S>;
  /**
   * The first call starts the loop; a second throws an `AlreadyIteratedError`
   * (`already-iterated`): call `subscribe()` again for another loop.
   */
  [Symbol.asyncIterator](): AsyncIterator<T>;
  /** `unsubscribe()`, then waits until the subscription has let go of what it held. */
  [Symbol.asyncDispose](): Promise<void>;
}
