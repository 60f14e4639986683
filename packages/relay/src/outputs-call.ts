import type { Http2ServerRequest, Http2ServerResponse, ServerHttp2Stream } from "node:http2";
import { encodedFrame } from "./encoded-frame.js";
import { GrpcCode, GrpcMessageReader, type RequestFault } from "./grpc-message-reader.js";
import type { Subscriber, SubscriberRegistry } from "./subscriber-registry.js";

/** What a call needs from its relay. */
export interface OutputsCallContext {
  readonly registry: SubscriberRegistry;
  /** See `AlertRelayOptions.minWriteIntervalMs`. */
  readonly minWriteIntervalMs: number;
  /** Aborted when the relay begins to close: calls end (OK) as soon as they can. */
  readonly stopSignal: AbortSignal;
}

/** gRPC's default receive limit, as in Falco. */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

const TIMEOUT_UNITS_MS: Record<string, number> = {
  H: 3_600_000,
  M: 60_000,
  S: 1000,
  m: 1,
  u: 0.001,
  n: 0.000_001,
};

/** The `grpc-timeout` header in ms, or undefined (absent or not gRPC's syntax). */
function timeoutMsOf(header: string | string[] | undefined): number | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^(\d{1,8})([HMSmun])$/.exec(header);
  if (match === null) return undefined;
  return Number(match[1]) * (TIMEOUT_UNITS_MS[match[2] as string] ?? 1);
}

/** The default of `AlertRelayOptions.minWriteIntervalMs`. */
export const DEFAULT_MIN_WRITE_INTERVAL_MS = 0;

type CallState = "reading" | "waiting" | "writing" | "blocked" | "ended";

/**
 * One `falco.outputs.service` call (`sub` or `get`) served on node:http2 itself, the relay's
 * hot path. Each alert's frame is encoded once for every subscriber ({@link encodedFrame});
 * a poll corks the stream, writes every queued frame and uncorks: one write to the socket per
 * poll, nothing allocated per alert. When HTTP/2 flow control holds the writes (the client
 * stops reading), the call waits for `drain` and its subscriber's own queue fills, then loses
 * its oldest alerts (counted), never anyone else's.
 *
 * `sub` answers each request by writing its queue until empty (a request that comes sooner than
 * `minWriteIntervalMs` after the previous write waits until then: one write then carries every
 * alert queued meanwhile), and ends with OK when the client
 * half-closes; `get` reads its one request, writes its queue until empty and ends with OK.
 * When the relay closes, calls end with OK at once (Falco would wait for the next request).
 * A malformed request ends the call with a gRPC error (counted by grpc-server's request guard,
 * which sees the answer's headers and trailers).
 */
export class OutputsCall {
  #state: CallState = "reading";
  #subscriber: Subscriber | undefined;
  #halfClosed = false;
  #timer: NodeJS.Timeout | undefined;
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #writeTimer: NodeJS.Timeout | undefined;
  #writeSoon: NodeJS.Immediate | undefined;
  readonly #reader = new GrpcMessageReader(MAX_REQUEST_BYTES);
  readonly #stream: ServerHttp2Stream;
  readonly #onMessage = () => this.#polled();
  readonly #onDrain = () => this.#drained();
  readonly #onStop = () => this.#end(GrpcCode.OK);
  readonly #onClose = () => this.#gone();
  readonly #onWriteTime = () => {
    this.#writeTimer = undefined;
    this.#writeSoon = undefined;
    if (this.#state === "waiting") this.#write();
  };

  constructor(
    readonly kind: "sub" | "get",
    private readonly request: Http2ServerRequest,
    private readonly response: Http2ServerResponse,
    private readonly context: OutputsCallContext,
  ) {
    this.#stream = response.stream;
  }

  /** Starts serving the call. */
  start(): void {
    const { request, response, context } = this;
    const stream = this.#stream;
    stream.once("close", this.#onClose);
    const encoding = request.headers["grpc-encoding"];
    if (encoding !== undefined && encoding !== "identity") {
      response.setHeader("grpc-accept-encoding", "identity");
      this.#end(
        GrpcCode.UNIMPLEMENTED,
        `compression ${JSON.stringify(encoding)} is not supported (the server accepts identity only)`,
      );
      return;
    }
    if (context.stopSignal.aborted) {
      this.#end(GrpcCode.OK);
      return;
    }
    context.stopSignal.addEventListener("abort", this.#onStop, { once: true });
    const timeoutMs = timeoutMsOf(request.headers["grpc-timeout"]);
    if (timeoutMs !== undefined) {
      this.#timer = setTimeout(
        () => this.#end(GrpcCode.DEADLINE_EXCEEDED, "the call's grpc-timeout expired"),
        Math.min(timeoutMs, 2 ** 31 - 1),
      );
    }
    if (this.kind === "sub") {
      this.#subscriber = context.registry.attach("sub", this.#peer());
      response.writeHead(200, { "content-type": "application/grpc" });
    }
    request.on("data", (chunk: Buffer) => this.#read(chunk));
    request.once("end", () => this.#requestEnded());
  }

  #peer(): string {
    const agent = this.request.headers["user-agent"];
    return typeof agent === "string" ? agent : "unknown";
  }

  #read(chunk: Buffer): void {
    if (this.#state === "ended") return;
    const fault = this.#reader.push(chunk, this.#onMessage);
    if (fault !== undefined) this.#fail(fault);
  }

  #fail(fault: RequestFault): void {
    this.#end(fault.code, fault.message);
  }

  /** A complete request message: `sub` writes its queue; `get` waits for the end of the request. */
  #polled(): void {
    if (this.kind === "get") {
      if (this.#reader.messages > 1) {
        this.#fail({
          code: GrpcCode.INVALID_ARGUMENT,
          message: "get takes one request message, the client sent more",
        });
      }
      return;
    }
    if (this.#state !== "reading" || this.#subscriber?.pending === 0) return;
    const waitMs = this.#lastWriteAt + this.context.minWriteIntervalMs - performance.now();
    this.#state = "waiting";
    // At once means after the I/O of this event-loop turn: a POST of Falco's http_output that
    // came with this poll is answered before the poll's frames are written.
    if (waitMs <= 0) this.#writeSoon = setImmediate(this.#onWriteTime);
    else this.#writeTimer = setTimeout(this.#onWriteTime, waitMs);
  }

  #requestEnded(): void {
    if (this.#state === "ended") return;
    if (this.#reader.partial) {
      this.#fail({
        code: GrpcCode.INVALID_ARGUMENT,
        message: "the request stream ended inside a message (truncated frame)",
      });
      return;
    }
    this.#halfClosed = true;
    if (this.kind === "sub") {
      // Falco never answers a half-closed sub; the relay ends it OK once its writes are done.
      if (this.#state === "reading") this.#end(GrpcCode.OK);
      return;
    }
    if (this.#reader.messages !== 1) {
      this.#fail({
        code: GrpcCode.INVALID_ARGUMENT,
        message: "get takes one request message, the client sent none",
      });
      return;
    }
    this.#subscriber = this.context.registry.attach("get", this.#peer());
    this.response.writeHead(200, { "content-type": "application/grpc" });
    this.#write();
  }

  /** Writes the subscriber's queue until it is empty or flow control holds the stream. */
  #write(): void {
    const subscriber = this.#subscriber;
    if (subscriber === undefined) return;
    const stream = this.#stream;
    this.#state = "writing";
    let corked = false;
    for (;;) {
      if (!subscriber.attached || stream.destroyed) {
        if (corked) stream.uncork();
        this.#end(GrpcCode.OK);
        return;
      }
      const alert = subscriber.take();
      if (alert === undefined) break;
      if (!corked) {
        stream.cork();
        corked = true;
      }
      if (!stream.write(encodedFrame(alert))) {
        // Taken by HTTP/2, counted once the stream drains.
        stream.uncork();
        this.#state = "blocked";
        stream.once("drain", this.#onDrain);
        return;
      }
      subscriber.written();
    }
    if (corked) {
      stream.uncork();
      this.#lastWriteAt = performance.now();
    }
    this.#state = "reading";
    if (this.kind === "get" || this.#halfClosed) this.#end(GrpcCode.OK);
  }

  #drained(): void {
    if (this.#state !== "blocked") return;
    this.#subscriber?.written();
    this.#write();
  }

  /** Ends the call with `code` (headers first when none went out: a trailers-only answer). */
  #end(code: number, message?: string): void {
    if (this.#state === "ended") return;
    this.#state = "ended";
    this.#release();
    const { response } = this;
    const stream = this.#stream;
    if (stream.destroyed || stream.closed) return;
    const status: Record<string, string> = { "grpc-status": String(code) };
    if (message !== undefined) status["grpc-message"] = encodeURIComponent(message);
    if (!response.headersSent) {
      response.writeHead(200, { "content-type": "application/grpc", ...status });
    } else {
      response.addTrailers(status);
    }
    response.end();
  }

  /** The client reset the stream or its connection ended. */
  #gone(): void {
    this.#state = "ended";
    this.#release();
  }

  #release(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#writeTimer);
    if (this.#writeSoon !== undefined) clearImmediate(this.#writeSoon);
    this.context.stopSignal.removeEventListener("abort", this.#onStop);
    this.#stream.off("drain", this.#onDrain);
    const subscriber = this.#subscriber;
    if (subscriber !== undefined) this.context.registry.detach(subscriber);
  }
}
