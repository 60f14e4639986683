import type { AlertFilter, BackoffOptions, FalcoError } from "@falco-sdk/core";
import type { PemSource } from "./tls-material.js";

export type { AlertFilter };

/** Mutual TLS towards Falco's TCP listener. Each PEM is a file path, PEM text or a Buffer. */
export interface FalcoTlsOptions {
  /** CA that signed Falco's `cert_chain`. Default: env `FALCO_GRPC_CA`, else the system CAs. */
  readonly ca?: PemSource;
  /** Client certificate, signed by a CA in Falco's `root_certs`. Default: env `FALCO_GRPC_CERT`. */
  readonly cert?: PemSource;
  /** Client private key. Default: env `FALCO_GRPC_KEY`. */
  readonly key?: PemSource;
  /**
   * Name to verify in the server certificate instead of the dialled host (Falco's docs issue
   * certificates for "localhost"). Default: env `FALCO_GRPC_SERVER_NAME`, else the host.
   */
  readonly serverName?: string;
}

/**
 * Reconnection of `subscribe()`, grpc-js style (core's `backoffDelayMs`): the n-th retry
 * waits `min(initialDelayMs * multiplier^(n-1), maxDelayMs)`, then +-`jitter`.
 * A stream Falco ends for a stop or reload is not a failure: the subscription
 * resubscribes at once, and if Falco is not back yet, the first delay
 * (`initialDelayMs`) is spent as retries every `pollIntervalMs` (Falco's
 * restart window) before the backoff goes on with attempt 2.
 */
export interface ReconnectOptions extends BackoffOptions {
  // initialDelayMs (1000), multiplier (1.6), maxDelayMs (30000), jitter (0.2): core's BackoffOptions.
  /** Attempts before `subscribe()` gives up and throws the last error. @default Infinity */
  readonly maxAttempts?: number;
  /**
   * Replaces the computed delay, like ioredis' `retryStrategy(times)`: return the delay in ms,
   * or `undefined` / `false` to stop retrying and throw `error`. @default the backoff above
   */
  readonly delayMs?: (attempt: number, error: FalcoError) => number | undefined | false;
}

/** Options of `createFalcoClient()`. */
export interface FalcoClientOptions {
  /**
   * Where Falco's gRPC server listens: `unix:///run/falco/falco.sock`, `host:port` or
   * `https://host:port` (mutual TLS). Default: env `FALCO_GRPC_ENDPOINT`, else
   * `unix:///run/falco/falco.sock`, or `unix:///var/run/falco.sock` when only that exists.
   */
  readonly endpoint?: string;
  /** Mutual TLS material for TCP endpoints. @default from the FALCO_GRPC_* environment */
  readonly tls?: FalcoTlsOptions;
  /**
   * Plaintext HTTP/2 over TCP, which Falco never serves (for proxies and test servers).
   * @default false
   */
  readonly insecurePlaintextTcp?: boolean;
  /** Reconnection of `subscribe()`; `false` ends the subscription at the first failure. @default {} */
  readonly reconnect?: ReconnectOptions | false;
  /**
   * When false, failures of the very first connection (socket missing, permission, TLS,
   * refused) throw at once, so a wrong setting fails fast. When true, `subscribe()` waits for
   * Falco to come up, retrying with the reconnect backoff and reporting through `status()`.
   * @default false
   */
  readonly waitForServer?: boolean;
  /**
   * A hung or vanished server is detected within this time, by `version` calls on the
   * same connection while the alert stream is silent (never by frequent HTTP/2 pings, which
   * Falco answers by closing the connection). @default 30000
   */
  readonly livenessTimeoutMs?: number;
}

/** Options of `subscribe()`. */
export interface SubscribeOptions extends AlertFilter {
  /** Ends the subscription when aborted. */
  readonly signal?: AbortSignal;
  /**
   * Falco sends nothing until asked: the longest an alert waits at idle before the next
   * poll. A backlog is drained at full speed regardless. @default 100
   */
  readonly pollIntervalMs?: number;
  /**
   * Alerts received but not yet taken by the consumer. Polling pauses at this many, so Falco
   * keeps the rest in its queue; a drain already in progress is still read up to 4x this many,
   * then HTTP/2 flow control holds Falco back, except once Falco is stopping or reloading
   * (GOAWAY): then what Falco still writes is read, so that its stop never waits on the
   * consumer. Buffered alerts are handed over even when the connection breaks; ending the
   * subscription discards them (a `dropped` status event). @default 256
   */
  readonly maxBufferedAlerts?: number;
}

/** Options of `get()`. */
export interface GetOptions extends AlertFilter {
  /** Ends the call when aborted. */
  readonly signal?: AbortSignal;
}
