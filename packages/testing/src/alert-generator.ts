import { FalcoTestServerError } from "./errors.js";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    "invalid-generator-options": AlertGeneratorOptionsError;
  }
}

import type { AlertInit, FalcoServer } from "./falco-server.js";
import type { FixtureRule } from "./fixture-types.js";
import { buildFixtureAlert, FIXTURE_RULES, randomWorkload } from "./fixtures.js";
import { createPrng } from "./prng.js";

/** Options of {@link createAlertGenerator}. */
export interface AlertGeneratorOptions {
  /**
   * Seed of the pseudo-random sequence: the same seed gives the same alerts.
   * @default 1
   */
  readonly seed?: number;
  /**
   * `hostname` of every alert (Falco's FALCO_HOSTNAME).
   * @default "falco-test-host"
   */
  readonly hostname?: string;
  /**
   * Time of the first alert (a Date, epoch milliseconds, or epoch nanoseconds as a bigint);
   * each next alert is 1 µs to 1.5 s later.
   * @default 2026-01-01T00:00:00Z (fixed, for reproducible output)
   */
  readonly startTime?: Date | number | bigint;
  /**
   * Rules to draw from.
   * @default FIXTURE_RULES (every fixture rule, by weight)
   */
  readonly rules?: readonly FixtureRule[];
}

/** Options of {@link AlertGenerator.emitAtRate}. */
export interface EmitAtRateOptions {
  /** Alerts per second (batched per timer tick at high rates). */
  readonly ratePerSecond: number;
  /**
   * Stop after this long (emitting ceil(rate x duration) alerts). At least one
   * of `durationMs`, `count` or `signal` is required.
   * @default no time limit
   */
  readonly durationMs?: number;
  /**
   * Stop after this many alerts.
   * @default no count limit
   */
  readonly count?: number;
  /**
   * Stop when aborted (resolves with the number emitted so far).
   * @default none
   */
  readonly signal?: AbortSignal;
}

/** A deterministic stream of realistic Falco alerts. */
export interface AlertGenerator {
  /** The next alert; from the rule named `rule` when given. */
  next(rule?: string): AlertInit;
  /** The next `count` alerts. */
  take(count: number): AlertInit[];
  /**
   * Emits alerts into `server` at `ratePerSecond` until `count`, `durationMs`
   * or `signal` says stop; resolves with the number emitted.
   */
  emitAtRate(server: Pick<FalcoServer, "emit">, options: EmitAtRateOptions): Promise<number>;
}

/** Invalid generator options (unknown rule, rate not positive, endless emission). */
export class AlertGeneratorOptionsError extends FalcoTestServerError<"invalid-generator-options"> {
  constructor(message: string) {
    super("invalid-generator-options", message);
  }
}

const DEFAULT_START_NS = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n;
const MIN_TICK_MS = 10;

function toNs(time: Date | number | bigint | undefined): bigint {
  if (time === undefined) return DEFAULT_START_NS;
  if (typeof time === "bigint") return time;
  const ms = time instanceof Date ? time.getTime() : time;
  return BigInt(Math.trunc(ms)) * 1_000_000n;
}

/** Creates a seeded generator of alerts modelled on Falco's default rules. */
export function createAlertGenerator(options: AlertGeneratorOptions = {}): AlertGenerator {
  const random = createPrng(options.seed ?? 1);
  const hostname = options.hostname ?? "falco-test-host";
  const rules = options.rules ?? FIXTURE_RULES;
  if (rules.length === 0) {
    throw new AlertGeneratorOptionsError("rules must not be empty");
  }
  const totalWeight = rules.reduce((sum, rule) => sum + (rule.weight ?? 1), 0);
  let timeNs = toNs(options.startTime);
  let first = true;

  const pickRule = (): FixtureRule => {
    let roll = random.next() * totalWeight;
    for (const rule of rules) {
      roll -= rule.weight ?? 1;
      if (roll < 0) return rule;
    }
    return rules[rules.length - 1] as FixtureRule;
  };

  const next = (name?: string): AlertInit => {
    const rule = name === undefined ? pickRule() : rules.find((r) => r.rule === name);
    if (rule === undefined) {
      throw new AlertGeneratorOptionsError(
        `no fixture rule named "${name}"; known rules: ${rules.map((r) => r.rule).join(", ")}`,
      );
    }
    if (!first) {
      timeNs += BigInt(random.int(1_000, 1_500_000_000));
    }
    first = false;
    return buildFixtureAlert(
      rule,
      { random, workload: randomWorkload(random, rule.containerOnly), timeNs },
      hostname,
    );
  };

  const take = (count: number): AlertInit[] => Array.from({ length: count }, () => next());

  const emitAtRate = async (
    server: Pick<FalcoServer, "emit">,
    { ratePerSecond, durationMs, count, signal }: EmitAtRateOptions,
  ): Promise<number> => {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new AlertGeneratorOptionsError(
        `ratePerSecond must be a positive number, got ${ratePerSecond}`,
      );
    }
    if (durationMs === undefined && count === undefined && signal === undefined) {
      throw new AlertGeneratorOptionsError(
        "emitAtRate would never stop: give durationMs, count or signal",
      );
    }
    const limit = count ?? Number.POSITIVE_INFINITY;
    const tickMs = Math.max(MIN_TICK_MS, 1000 / ratePerSecond);
    const startedAt = performance.now();
    let emitted = 0;
    for (;;) {
      const elapsedMs = performance.now() - startedAt;
      const endedByTime = durationMs !== undefined && elapsedMs >= durationMs;
      // Alert k is due at k / rate seconds; a duration D allows ceil(D * rate) of them.
      const due = Math.min(
        limit,
        endedByTime
          ? Math.ceil(((durationMs ?? 0) * ratePerSecond) / 1000)
          : Math.floor((elapsedMs * ratePerSecond) / 1000) + 1,
      );
      if (due > emitted && !signal?.aborted) {
        const batch = take(due - emitted);
        await server.emit(batch);
        emitted += batch.length;
      }
      if (emitted >= limit || endedByTime || signal?.aborted) {
        return emitted;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, tickMs);
        signal?.addEventListener("abort", done, { once: true });
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          resolve();
        }
      });
    }
  };

  return { next, take, emitAtRate };
}
