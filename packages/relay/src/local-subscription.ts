import {
  type Alert,
  type AlertFilter,
  type AlertSubscription,
  compileAlertFilter,
  linkedAbortController,
} from "@falco-sdk/core";
import type { SubscriberRegistry } from "./subscriber-registry.js";

/** Options of `AlertRelay.subscribe()`. */
export interface RelaySubscribeOptions extends AlertFilter {
  /** Ends the iteration when aborted. */
  readonly signal?: AbortSignal;
}

/**
 * An in-process subscriber: the same AsyncIterable as `FalcoClient.subscribe()`,
 * fed from its own bounded queue. It attaches at once (alerts queue from the
 * call on) and detaches on `unsubscribe()`, `break`, its signal or the relay's close.
 */
export function createLocalSubscription(
  registry: SubscriberRegistry,
  closed: AbortSignal,
  options: RelaySubscribeOptions,
): AlertSubscription {
  const stop = linkedAbortController(closed, options.signal);
  const subscriber = registry.attach("local", "in-process");
  stop.signal.addEventListener("abort", () => registry.detach(subscriber), { once: true });
  if (stop.signal.aborted) registry.detach(subscriber);
  const filter = compileAlertFilter(options);
  let started = false;
  return {
    unsubscribe: () => stop.abort(),
    [Symbol.asyncIterator]() {
      if (started)
        throw new TypeError("a subscription can be iterated once; call subscribe() again");
      started = true;
      return (async function* (): AsyncGenerator<Alert, void, undefined> {
        try {
          while (subscriber.attached) {
            const alert = subscriber.take();
            if (alert === undefined) {
              await subscriber.waitForAlert(stop.signal);
              continue;
            }
            subscriber.delivered++;
            if (!filter || filter(alert)) yield alert;
          }
        } finally {
          stop.abort();
        }
      })();
    },
  };
}
