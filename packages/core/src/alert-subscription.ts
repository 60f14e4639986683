import type { Alert } from "./alert.js";

/**
 * A live stream of alerts (a Falco client's `subscribe()`, an HTTP receiver's `alerts()`):
 * `for await` it, and end it with `break`, an AbortSignal or `unsubscribe()`.
 */
export interface AlertSubscription<T extends Alert = Alert> extends AsyncIterable<T> {
  /** Ends the subscription: the loop over it finishes without an error. */
  unsubscribe(): void;
}
