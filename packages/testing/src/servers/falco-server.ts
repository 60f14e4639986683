import type { AlertInit, VersionInit } from "@falco-sdk/proto";

export type {
  ListenOptions,
  PlaintextListenOptions,
  TlsListenOptions,
  TlsMaterial,
  UnixListenOptions,
} from "@falco-sdk/grpc-server";

/** An alert to queue: any subset of `falco.outputs.response` fields (`@falco-sdk/proto`). */
export type { AlertInit, VersionInit };

/** Counters of a test server's one shared queue. */
export interface ServerStats {
  /** Alerts waiting in the queue. */
  readonly queued: number;
  /** Alerts popped and written to a stream. */
  readonly delivered: number;
  /**
   * Alerts popped but never written: their stream broke (Falco pops before it
   * writes), or a `sub` got its final request while the server was stopping
   * (Falco pops one alert for that request, then finishes the call with OK),
   * or a `sub` was writing when the stop began (after that write Falco pops
   * the next alert, then sees the stop and finishes with OK).
   */
  readonly dropped: number;
  /** `sub` streams open now (served; calls waiting for a slot are not counted). */
  readonly subscribers: number;
  /** `sub` requests read so far (each one starts a drain, or ends the call when stopping). */
  readonly requests: number;
  /**
   * Requests refused as malformed (answered with a gRPC error or a reset, never served):
   * not gRPC, unknown method, truncated or oversized message, HTTP/2 violation.
   * Reported by the Node server only (`createFalcoTestServer`); gRPC's C core counts none.
   */
  readonly rejectedRequests?: number;
}

/** Options of {@link FalcoServer.stop}. */
export interface StopOptions {
  /**
   * How long to wait for open calls (a `sub` only ends when its client sends
   * its next request) before destroying them and rejecting with
   * `ServerStopTimeoutError`. `Infinity` waits like Falco does.
   * @default the server's own default (10000 for the Node server)
   */
  readonly timeoutMs?: number;
}

/**
 * A running server with Falco's gRPC output semantics, under a test's control.
 * Implemented in Node (`createFalcoTestServer`) and on gRPC's C core
 * (`startCCoreFalcoServer`), so the same checks run against both.
 */
export interface FalcoServer extends AsyncDisposable {
  /** Where clients connect: `unix:///path/to.sock` or `host:port` (mTLS / plaintext TCP). */
  readonly endpoint: string;
  /** Queues alerts, as if rules had matched. */
  emit(alerts: AlertInit | readonly AlertInit[]): Promise<void>;
  /** Counters of the shared queue. */
  stats(): Promise<ServerStats>;
  /** Stops answering: requests are read but nothing is written, like a hung Falco. */
  pause(): Promise<void>;
  /**
   * Answers again after `pause()`: the pending requests of calls still open. A call that a
   * client ended while paused is never served once the server has seen it end. The Node server
   * waits one HTTP/2 PING round trip per connection first; the C-core server waits until its
   * core has read every socket (Python's gRPC has no server-side ping), so a test that ends a
   * call just before waits until `stats().subscribers` no longer counts it.
   */
  resume(): Promise<void>;
  /** Destroys every connection abruptly and stops listening, like a killed Falco. The queue survives. */
  crash(): Promise<void>;
  /** Listens again on the same address after `crash()` or `stop()`. */
  restart(): Promise<void>;
  /**
   * Stops like Falco does: GOAWAY on every connection at once; each open `sub`
   * ends with OK when its client sends its next request (Falco first pops one
   * alert for that request and discards it, counted as `dropped`) or, in the
   * middle of a drain, after its current write (Falco then pops one more alert
   * and discards it, counted as `dropped`); `get` streams end OK; then the
   * listener closes (new connections fail at once; a unix socket file is
   * removed). Like Falco's, the stop waits for every open call: a `sub` whose
   * client never sends again, or a write held by HTTP/2 flow control (a client
   * that stops reading), keeps it waiting until `timeoutMs`. A call its client
   * cancels ends at once and pops nothing.
   * Resolves at once when already stopped or crashed.
   */
  stop(options?: StopOptions): Promise<void>;
  /**
   * A rules or configuration reload of Falco (SIGHUP, watch_config_files):
   * Falco restarts its gRPC server, so this is `stop(options)` (same waits,
   * same GOAWAY) then `restart()` on the same address. The queue survives
   * and is served to the next subscriber.
   */
  reload(options?: StopOptions): Promise<void>;
}
