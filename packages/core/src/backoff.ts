/** How retries are spaced: exponential growth, capped, spread at random. */
export interface BackoffOptions {
  /** Delay before the first retry. @default 1000 */
  readonly initialDelayMs?: number;
  /** Longest delay. @default 30000 */
  readonly maxDelayMs?: number;
  /** Factor from one delay to the next. @default 1.6 */
  readonly multiplier?: number;
  /** Random spread, as a fraction of the delay either way (0.2 = +-20%). @default 0.2 */
  readonly jitter?: number;
}

/** The defaults of {@link BackoffOptions} (grpc-js' reconnect backoff). */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  multiplier: 1.6,
  jitter: 0.2,
};

/**
 * The delay before retry number `attempt` (1-based): `initialDelayMs x multiplier^(attempt-1)`,
 * at most `maxDelayMs`, spread by `jitter` either way, rounded, never negative. `random`
 * returns [0, 1), as `Math.random` does.
 */
export function backoffDelayMs(
  options: BackoffOptions,
  attempt: number,
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs, multiplier, jitter } = { ...DEFAULT_BACKOFF, ...options };
  const base = Math.min(initialDelayMs * multiplier ** (Math.max(attempt, 1) - 1), maxDelayMs);
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.round(base + spread));
}
