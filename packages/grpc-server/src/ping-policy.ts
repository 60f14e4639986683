import { constants, type Http2Session } from "node:http2";

/** gRPC C-core's server keepalive enforcement, which Falco's server runs with. */
export interface PingPolicyOptions {
  /**
   * Shortest allowed interval between client PINGs while the server sends no
   * data or headers (`GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS`).
   * @default 300000 (5 minutes)
   */
  readonly minIntervalMs?: number;
  /**
   * PINGs too early tolerated before GOAWAY "too_many_pings" (`GRPC_ARG_HTTP2_MAX_PING_STRIKES`).
   * @default 2
   */
  readonly maxStrikes?: number;
}

/** Without open calls, C core allows one PING per two hours (keepalive_permit_without_calls = 0). */
const IDLE_MIN_INTERVAL_MS = 2 * 60 * 60 * 1000;

/** Tracks one session: PING strikes, open streams, and data the server sent. */
export class SessionPingPolicy {
  readonly #session: Http2Session;
  readonly #minIntervalMs: number;
  readonly #maxStrikes: number;
  #lastPingAt = Number.NEGATIVE_INFINITY;
  #strikes = 0;
  #openStreams = 0;

  constructor(session: Http2Session, options: PingPolicyOptions) {
    this.#session = session;
    this.#minIntervalMs = options.minIntervalMs ?? 300_000;
    this.#maxStrikes = options.maxStrikes ?? 2;
    session.on("ping", () => this.#onPing());
  }

  /** The server sent headers or data: PINGs are fine again. */
  dataSent(): void {
    this.#lastPingAt = Number.NEGATIVE_INFINITY;
    this.#strikes = 0;
  }

  streamOpened(): void {
    this.#openStreams += 1;
  }

  streamClosed(): void {
    this.#openStreams -= 1;
  }

  #onPing(): void {
    const now = performance.now();
    const minIntervalMs = this.#openStreams > 0 ? this.#minIntervalMs : IDLE_MIN_INTERVAL_MS;
    if (now - this.#lastPingAt < minIntervalMs) {
      this.#strikes += 1;
      if (this.#strikes > this.#maxStrikes && !this.#session.destroyed) {
        this.#session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM, 0, Buffer.from("too_many_pings"));
        // Let the GOAWAY go out first.
        setImmediate(() => this.#session.destroy());
        return;
      }
    }
    this.#lastPingAt = now;
  }
}
