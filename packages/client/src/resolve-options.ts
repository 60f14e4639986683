import type { Alert } from "@falco-sdk/core";
import { type AlertFilter, compileAlertFilter, DEFAULT_BACKOFF } from "@falco-sdk/core";
import type { Backoff } from "./backoff.js";
import type { FalcoClientOptions, ReconnectOptions, SubscribeOptions } from "./client-options.js";
import { type ResolvedEndpoint, resolveEndpoint } from "./endpoint.js";
import { type LoadedTls, loadTls } from "./tls-material.js";

// Every default of createFalcoClient() and subscribe() is applied here, and only here; the
// TSDoc of each option in client-options.ts states the same value.

/** The options of `createFalcoClient()` with every default applied and files read. */
export interface ClientSettings {
  readonly endpoint: ResolvedEndpoint;
  readonly tls: LoadedTls | undefined;
  readonly backoff: Backoff | false;
  readonly waitForServer: boolean;
  readonly livenessTimeoutMs: number;
  /** Deadline of each `version` call (first answer, liveness probe, `version()`). */
  readonly versionTimeoutMs: number;
  /** How often a silent stream is checked. */
  readonly livenessCheckEveryMs: number;
}

/** The reconnect options with every default filled in. */
export function resolveBackoff(options: ReconnectOptions = {}): Backoff {
  return {
    initialDelayMs: options.initialDelayMs ?? DEFAULT_BACKOFF.initialDelayMs,
    multiplier: options.multiplier ?? DEFAULT_BACKOFF.multiplier,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_BACKOFF.maxDelayMs,
    jitter: options.jitter ?? DEFAULT_BACKOFF.jitter,
    maxAttempts: options.maxAttempts ?? Number.POSITIVE_INFINITY,
    delayMs: options.delayMs,
  };
}

/**
 * Applies the defaults of `createFalcoClient()` (environment variables included) and reads
 * the TLS files.
 *
 * @throws ConfigurationError for an endpoint that cannot be parsed or unreadable TLS files.
 */
export function resolveClientOptions(
  options: FalcoClientOptions,
  env: NodeJS.ProcessEnv = process.env,
): ClientSettings {
  const endpoint = resolveEndpoint(
    options.endpoint ?? env.FALCO_GRPC_ENDPOINT,
    options.insecurePlaintextTcp ?? false,
  );
  const livenessTimeoutMs = options.livenessTimeoutMs ?? 30_000;
  return {
    endpoint,
    tls: endpoint.kind === "tcp" && endpoint.tls ? loadTls(options.tls, env) : undefined,
    backoff: options.reconnect === false ? false : resolveBackoff(options.reconnect),
    waitForServer: options.waitForServer ?? false,
    livenessTimeoutMs,
    versionTimeoutMs: livenessTimeoutMs / 2,
    livenessCheckEveryMs: livenessTimeoutMs / 4,
  };
}

/** The options of `subscribe()` with every default applied. */
export interface SubscribeSettings {
  readonly pollIntervalMs: number;
  readonly maxBufferedAlerts: number;
  readonly filter: ((alert: Alert) => boolean) | undefined;
}

/** Applies the defaults of `subscribe()`. */
export function resolveSubscribeOptions(options: SubscribeOptions): SubscribeSettings {
  return {
    pollIntervalMs: options.pollIntervalMs ?? 100,
    maxBufferedAlerts: Math.max(1, options.maxBufferedAlerts ?? 256),
    filter: compileAlertFilter(options satisfies AlertFilter),
  };
}
