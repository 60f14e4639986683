import type { BackoffOptions, Priority } from "@falco-sdk/core";

/** PEM material: a file path, the PEM text itself (it starts with `-----BEGIN`), or a Buffer. */
export type PemSource = string | Uint8Array;

/** TLS towards an `https://` API. */
export interface ApiTlsOptions {
  /** CA that signed the server's certificate. @default the system CAs */
  readonly ca?: PemSource;
  /** Client certificate, for a server that requires mutual TLS. @default none */
  readonly cert?: PemSource;
  /** Private key of `cert`. @default none */
  readonly key?: PemSource;
  /** Name to verify in the server certificate instead of the URL's host. @default the URL's host */
  readonly serverName?: string;
}

/**
 * Reconnection of `subscribe()` after a failure (core's `backoffDelayMs`): the first retry
 * after a stream that worked is at once; then retry n waits
 * `min(initialDelayMs * multiplier^(n-1), maxDelayMs)`, spread by +-`jitter`.
 */
export interface ReconnectOptions extends BackoffOptions {
  // initialDelayMs (1000), multiplier (1.6), maxDelayMs (30000), jitter (0.2): core's BackoffOptions.
  /** Failed attempts in a row before the subscription ends with the last error. @default Infinity */
  readonly maxAttempts?: number;
}

/** Options of `createAlertStreamClient()`. */
export interface AlertStreamClientOptions {
  /**
   * Base URL of the API, e.g. `http://127.0.0.1:2803` or `https://relay.example:2803/falco`
   * (behind a proxy's path); the client adds `/api/v1/...`. A URL that already ends with
   * `/api/v1` (or a route of it) is taken as its base.
   */
  readonly url: string;
  /**
   * Bearer token, sent as `Authorization: Bearer <token>` (the relay's `--api-token-file`).
   * @default none (a loopback API without a token file needs none)
   */
  readonly token?: string;
  /** TLS material for an `https://` URL. @default the system CAs, no client certificate */
  readonly tls?: ApiTlsOptions;
  /** Reconnection of `subscribe()`; `false` ends a subscription at its first failure. @default {} */
  readonly reconnect?: ReconnectOptions | false;
  /**
   * When false, a `subscribe()` whose very first connection fails (refused, DNS, TLS) ends with
   * that error, so a wrong `url` fails fast; when true it retries with the reconnect backoff,
   * reporting each failure as a `disconnected` status event. @default false
   */
  readonly waitForServer?: boolean;
  /**
   * A stream that receives nothing for this long (the server sends a heartbeat every 15 s) is
   * taken as dropped and reconnected. @default 45000
   */
  readonly idleTimeoutMs?: number;
  /** A query (or a stream's response headers) that takes longer fails. @default 30000 */
  readonly requestTimeoutMs?: number;
}

/**
 * Which alerts, mapped 1:1 to the server's query parameters (the store's `StoreFilter`): an
 * alert passes when it matches every filter given; values of one filter are alternatives.
 */
export interface ApiFilter {
  /** Only these priorities (`priority=`). @default every priority */
  readonly priority?: readonly Priority[];
  /** Only this priority and more severe ones (`minPriority=`). @default every priority */
  readonly minPriority?: Priority;
  /** Only these rules (`rule=`). @default every rule */
  readonly rule?: readonly string[];
  /** Only alerts of these hosts (`hostname=`). @default every host */
  readonly hostname?: readonly string[];
  /** Only these sources, e.g. `syscall` (`source=`). @default every source */
  readonly source?: readonly string[];
  /** Only alerts with at least one of these tags (`tag=`). @default any tags */
  readonly tag?: readonly string[];
  /**
   * Only alerts whose output field has one of these values (`field.<name>=`), e.g.
   * `{ "k8s.ns.name": ["prod"] }`. @default none
   */
  readonly fields?: Readonly<Record<string, readonly string[]>>;
  /** Only alerts whose output contains every word of this text (`q=`). @default none */
  readonly text?: string;
  /** Leaves out the alerts that match this filter (the `not.` parameters). @default none */
  readonly not?: Omit<ApiFilter, "not">;
}

/** A time bound: a `Date`, an RFC 3339 time, or a duration ago such as `"90s"`, `"15m"`, `"7d"`. */
export type ApiTime = Date | string;

/** What `query()`, `pages()`, `facets()` and `histogram()` cover. */
export interface ApiRangeOptions {
  /** Alerts at or after this event time. @default the oldest */
  readonly since?: ApiTime;
  /** Alerts before this event time. @default now and later */
  readonly until?: ApiTime;
  /** Which alerts. @default every alert */
  readonly filter?: ApiFilter;
  /** Cancels the request. @default none */
  readonly signal?: AbortSignal;
}
