import type { FalcoError } from "@falco-sdk/core";
import type { ReconnectOptions } from "./client-options.js";

/** The reconnect options with every default filled in (by `resolveBackoff`). */
export type Backoff = Required<Omit<ReconnectOptions, "delayMs">> &
  Pick<ReconnectOptions, "delayMs">;

/**
 * Delay before retry number `attempt` (1-based), or undefined to give up.
 * `random` returns [0, 1), as Math.random does.
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
  const base = Math.min(
    backoff.initialDelayMs * backoff.multiplier ** (attempt - 1),
    backoff.maxDelayMs,
  );
  const spread = base * backoff.jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}
