import type { Alert, AlertFilter } from "@falco-sdk/core";

/**
 * Takes each alert the receiver accepts, synchronously, before its 204 answer leaves (see
 * `handOff`). `line` is the alert as one line of Falco JSON without its newline: the request's
 * own bytes when the body is uncompressed JSON on one line (not re-serialized), else the parsed
 * alert's JSON. It may return a promise: the answer then waits for it (204 once it resolves,
 * 500 if it rejects), a taker's way to slow the sender while it catches up.
 */
export type ReceiverHandOff = (line: Buffer, alert: Alert) => void | Promise<void>;

/** TLS of the receiver; with `ca`, clients must present a certificate signed by it (mutual TLS). */
export interface ReceiverTlsOptions {
  /** Server certificate chain, PEM. */
  readonly cert: string | Buffer;
  /** Server private key, PEM. */
  readonly key: string | Buffer;
  /**
   * CA of client certificates: set it to require and verify a client certificate
   * (Falco's `http_output.mtls`). @default no client certificate asked
   */
  readonly ca?: string | Buffer;
}

/** Options of `createHttpAlertReceiver()`. */
export interface HttpAlertReceiverOptions {
  /** Address to bind. @default "127.0.0.1" */
  readonly host?: string;
  /** Port; 0 picks a free one (see `url`). @default 2801 */
  readonly port?: number;
  /** Path Falco posts to (`http_output.url`'s path). @default "/" */
  readonly path?: string;
  /** HTTPS, and mutual TLS when `ca` is set. @default plain HTTP */
  readonly tls?: ReceiverTlsOptions;
  /**
   * A secret every request must carry in `header` (compared in constant time). Falco's own
   * http_output cannot add headers (use mutual TLS there); Falcosidekick's webhook can
   * (`customheaders`). @default none
   */
  readonly sharedSecret?: { readonly value: string; readonly header?: string };
  /**
   * Listen on a non-loopback address with neither TLS nor a shared secret: anyone who can
   * reach the port can inject alerts. @default false (refused)
   */
  readonly insecureAllowUnauthenticatedRemote?: boolean;
  /** Largest accepted body; larger ones get 413. @default 1048576 (1 MiB) */
  readonly maxBodyBytes?: number;
  /**
   * Alerts kept per consumer (and while no consumer is attached); beyond it the oldest are
   * dropped and counted. @default 10000
   */
  readonly maxQueuedAlerts?: number;
  /**
   * When the receiver answers a POST. `"received"`: 204 as soon as the body is whole and
   * within `maxBodyBytes`, then it is parsed; a body that is not an alert is counted in
   * `stats().malformed` and announced by a `malformed` status event, never refused.
   * `"parsed"`: the body is parsed first, and one that is not an alert gets 400 (`bad-body`,
   * counted in `stats().rejected`). Falco's http_output has one worker that waits for each
   * answer and does not retry a refused POST, so answering first lets Falco send faster and
   * loses nothing a refusal would not lose; `"parsed"` shows the reason in the sender's log
   * (useful with curl or Falcosidekick while setting up).
   * @default "received"
   */
  readonly acknowledge?: "received" | "parsed";
  /**
   * Hands each accepted alert to this function before its answer leaves, instead of queueing it
   * for `alerts()` (which then yields nothing): for a caller that must write the alert down
   * before Falco gets its answer (Falco never retries an answered POST), such as the relay's
   * intake journal (`relay.intake()` of `@falco-sdk/relay`). The body is parsed before the
   * answer whatever `acknowledge` says; with `"received"` a body that is not an alert is still
   * answered 204 and counted in `stats().malformed`. Alerts handed off count in
   * `stats().received`. A throw answers 500; a returned promise delays the answer until it settles.
   * @default none: alerts are queued for `alerts()`
   */
  readonly handOff?: ReceiverHandOff;
  /** A request must arrive whole within this time (slow uploads get 408). @default 10000 */
  readonly requestTimeoutMs?: number;
}

/** Options of `alerts()`. */
export interface ReceiverAlertsOptions extends AlertFilter {
  /** Ends the iteration when aborted. */
  readonly signal?: AbortSignal;
}
