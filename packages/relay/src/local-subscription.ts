import { type AlertFilter, type AlertSubscription, compileAlertFilter } from "@falco-sdk/core";
import type { SubscriberRegistry } from "./subscriber-registry.js";

/** Options of `AlertRelay.subscribe()`. */
export interface RelaySubscribeOptions extends AlertFilter {
  /** Ends the subscription (`"aborted"`) when aborted. @default none */
  readonly signal?: AbortSignal;
}

/**
 * An in-process subscriber: core's `AlertSubscription`, like `FalcoClient.subscribe()`, fed
 * from its own bounded queue. It attaches at once (alerts queue from the call on) and
 * detaches on `unsubscribe()`, `break`, `await using`, its signal or the relay's close (which
 * lets the loop take what is queued first).
 */
export function createLocalSubscription(
  registry: SubscriberRegistry,
  options: RelaySubscribeOptions,
): AlertSubscription {
  return registry.attach("local", "in-process", {
    signal: options.signal,
    filter: compileAlertFilter(options),
  });
}
