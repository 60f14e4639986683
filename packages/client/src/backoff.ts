import { backoffDelayMs, type FalcoError } from "@falco-sdk/core";
import type { ReconnectOptions } from "./client-options.js";

/** The reconnect options with every default filled in (by `resolveBackoff`). */
export type Backoff = Required<Omit<ReconnectOptions, "delayMs">> &
  Pick<ReconnectOptions, "delayMs">;

/**
 * Delay before retry number `attempt` (1-based), or undefined to give up: `delayMs` when
 * given, else core's `backoffDelayMs`. `random` returns [0, 1), as Math.random does.
 */
export function retryDelayMs(
  backoff: Backoff,
  attempt: number,
  error: FalcoError,
  random: () => number = Math.random,
): number | undefined {
  if (attempt > backoff.maxAttempts) return undefined;
  if (backoff.delayMs) {
    const custom = backoff.delayMs(attempt, error);
    return custom === false || custom === undefined ? undefined : Math.max(0, custom);
  }
  return backoffDelayMs(backoff, attempt, random);
}
