import type { Alert } from "@falco-sdk/core";
import { alertFromResponse, decodeResponse } from "@falco-sdk/proto";
import { service as outputsService, type response } from "@falco-sdk/proto/outputs";
import type { AlertStreamEnd, AlertStreamSettings } from "./alert-stream-settings.js";
import type { Connection } from "./connection.js";
import { ConnectionError } from "./errors.js";
import { EMPTY_REQUEST_ENVELOPE, readServerStream } from "./grpc-stream.js";
import { RequestPump } from "./request-pump.js";
import { StarvationWatch } from "./starvation-watch.js";

/** Where a stream puts the alerts it receives: the subscription's queue (a `BoundedQueue`). */
export interface AlertSink {
  /** Alerts waiting for the consumer. */
  readonly size: number;
  /** True once the subscription has ended. */
  readonly isClosed: boolean;
  /** Queues an alert; false when the subscription has ended (the alert is discarded). */
  push(alert: Alert): boolean;
  /** Resolves once fewer than `below` wait, at the end, or at `wake()`. */
  whenBelow(below: number): Promise<void>;
  /** Releases every `whenBelow()` waiter (the limit changed). */
  wake(): void;
}

/**
 * The named states of a `sub` call:
 * - `polling`: Falco serves it; we poll, read and hand alerts over;
 * - `draining`: Falco sent GOAWAY (it stops or reloads): no more polls, we read what comes
 *   until Falco ends the call, or cancel it once it stays silent for a grace period;
 * - `ended`: the call is over; `run()` settles once a `get` in progress is over too.
 */
export type AlertStreamState = "polling" | "draining" | "ended";

/**
 * What may still arrive after Falco's GOAWAY beyond the usual limit: Falco finishes a draining
 * call right after its current write, so this is that write plus what fits in the 64 KiB
 * HTTP/2 window. It bounds memory against a server that would go on writing after its GOAWAY.
 */
const AFTER_GOAWAY_LIMIT = 4096;

/**
 * One `sub` call on one connection, until it ends: `run()` resolves when Falco ends the stream
 * (OK), or when Falco is stopping or reloading; it rejects when the stream breaks. Its states:
 * {@link AlertStreamState}.
 *
 * Whether Falco's stop lost an alert (the rule `alertsMayHaveBeenLost` follows):
 * Falco ends a `sub` call only from inside a drain. After each write, and on
 * each request, its `sub()` reads the stop flag, then pops the next alert, and
 * only then does `process()` act on the flag: a stop ends the call with OK and
 * the alert just popped is discarded (Falco 0.43 grpc_server_impl.cpp,
 * grpc_request_context.cpp). A drain ends when Falco finds its queue empty and
 * waits for the next request; a call in that state pops nothing at the stop
 * and stays silent until we cancel it. So what we can observe decides it:
 * - the call ends with OK: the drain of our last request had not seen the
 *   queue empty, Falco popped once more at the stop: at most one alert may be
 *   lost (one per stream: the call ends there);
 * - the call stays silent for one grace period after the GOAWAY and after its
 *   last message (we never poll after the GOAWAY), and we cancel it: Falco had
 *   seen its queue empty and waits for a request: nothing is lost.
 *
 * Falco sends nothing until polled and each poll drains its whole queue, so
 * polling is the main flow control there is. We poll every `pollIntervalMs`,
 * and again at once while alerts keep coming (a backlog drains at full speed),
 * but not while `maxBufferedAlerts` or more wait for the consumer: the rest
 * stays in Falco's queue, which bounds our memory and what a broken connection
 * can lose. A drain in progress also takes alerts that arrive while it writes,
 * so at 4 x `maxBufferedAlerts` we stop reading too and let HTTP/2 flow control
 * hold Falco's drain back.
 *
 * Falco's stop and reloads send GOAWAY, then wait for every open call. From the
 * GOAWAY on we never poll again (Falco would pop an alert for that request and
 * discard it) and we read whatever comes, whatever the consumer does: a draining
 * call ends with OK right after Falco's current write (Falco discards the alert
 * it pops after that write). A call that stays silent for one poll interval
 * (Falco waits for a request) is cancelled, which pops nothing: Falco's stop
 * never waits on our consumer, and a reload loses at most that one alert.
 * Alerts go to the subscription's queue (filtered) as they arrive.
 *
 * A silent stream is checked with `version` calls: no answer within
 * `versionTimeoutMs` ends it with a ConnectionError. A silent stream that
 * Falco does not serve at all (its `sub` slots are full) is found with `get`
 * calls, which then deliver the queue (see {@link StarvationWatch}).
 */
export class AlertStream {
  #state: AlertStreamState = "polling";
  readonly #connection: Connection;
  readonly #settings: AlertStreamSettings;
  readonly #sink: AlertSink;
  readonly #call = new AbortController();
  readonly #pump: RequestPump;
  readonly #starvation: StarvationWatch;
  readonly #hardLimit: number;
  readonly #graceMs: number;
  #received = 0;
  #lastActivity = performance.now();
  #failure: { readonly error: unknown } | undefined;
  #endedWithOk = false;
  #overLimit = false;
  #cancelledAfterGoaway = false;
  #catchingUp = false;
  #probing = false;
  #grace: NodeJS.Timeout | undefined;

  constructor(connection: Connection, settings: AlertStreamSettings, sink: AlertSink) {
    this.#connection = connection;
    this.#settings = settings;
    this.#sink = sink;
    this.#hardLimit = settings.maxBufferedAlerts * 4;
    this.#graceMs = Math.min(Math.max(settings.pollIntervalMs, 100), 1000);
    this.#pump = new RequestPump(() => this.#state === "polling" && !this.#full);
    this.#starvation = new StarvationWatch({
      connection,
      pump: this.#pump,
      quietMs: settings.livenessCheckEveryMs,
      signal: this.#call.signal,
      deliver: (message) => this.#deliver(message),
      waitForRoom: () => this.#waitUnderLimit(false),
      mayFetch: () => this.#state === "polling" && !this.#full,
      onAlert: () => {
        this.#lastActivity = performance.now();
      },
      onStarved: (starved) => settings.onStarved?.(starved),
    });
  }

  get state(): AlertStreamState {
    return this.#state;
  }

  /**
   * Runs the call: resolves with how it ended when Falco ends it (OK) or once it is cancelled
   * after Falco's GOAWAY; rejects when it breaks or `signal` aborts.
   */
  async run(signal: AbortSignal): Promise<AlertStreamEnd> {
    const call = this.#call;
    const abort = () => call.abort();
    signal.addEventListener("abort", abort, { once: true });
    const { goaway } = this.#connection;
    if (goaway.aborted) this.#onGoaway();
    else
      goaway.addEventListener("abort", () => this.#onGoaway(), { once: true, signal: call.signal });
    const poller = setInterval(() => {
      this.#pump.poll();
      this.#starvation.poll();
    }, this.#settings.pollIntervalMs);
    const liveness = setInterval(
      () => void this.#checkLiveness(),
      this.#settings.livenessCheckEveryMs,
    );
    const reader = this.#read();
    this.#pump.poll();
    try {
      await reader;
      this.#endedWithOk = true;
    } catch (error) {
      if (!this.#cancelledAfterGoaway) this.#failure ??= { error };
    } finally {
      this.#state = "ended";
      clearInterval(poller);
      clearInterval(liveness);
      clearTimeout(this.#grace);
      this.#pump.dispose();
      // A get in progress delivers what it took (it pauses while the consumer lags).
      await this.#starvation.idle();
      signal.removeEventListener("abort", abort);
      call.abort();
    }
    if (this.#failure) throw this.#failure.error;
    return {
      goaway: goaway.aborted,
      // Ended with OK: Falco popped one alert at its stop check and discarded it. Or it kept
      // writing past what Falco does and we cancelled a write in flight.
      alertsMayHaveBeenLost: this.#endedWithOk || this.#overLimit,
      received: this.#received,
    };
  }

  get #full(): boolean {
    return this.#sink.size >= this.#settings.maxBufferedAlerts;
  }

  #limit(): number {
    return this.#state === "draining" ? this.#hardLimit + AFTER_GOAWAY_LIMIT : this.#hardLimit;
  }

  #read(): Promise<void> {
    return readServerStream(this.#connection.sessions, this.#connection.baseUrl, {
      method: outputsService.method.sub,
      requests: pollEnvelopes(this.#pump),
      signal: this.#call.signal,
      onMessage: (bytes) => {
        this.#received++;
        this.#deliver(decodeResponse(bytes));
        this.#starvation.subDelivered();
        if (this.#state === "draining") this.#armGrace();
      },
      // At the limit, the rest of a chunk waits with the pause below.
      full: () => this.#sink.size >= this.#limit(),
      // After each chunk of messages (per message is the hot path), and at the limit.
      pause: () => {
        this.#lastActivity = performance.now();
        if (this.#state === "polling") this.#pump.pollSoon();
        const sink = this.#sink;
        return sink.isClosed || sink.size < this.#limit() ? undefined : this.#waitUnderLimit(true);
      },
    });
  }

  /** Hands one message over (filtered); polls again once a full queue has room. */
  #deliver(message: response): void {
    const alert = alertFromResponse(message);
    const { filter } = this.#settings;
    if (filter && !filter(alert)) return;
    if (!this.#sink.push(alert)) {
      this.#settings.onDiscarded?.(1);
      return;
    }
    if (!this.#catchingUp && this.#full) {
      this.#catchingUp = true;
      void this.#sink.whenBelow(this.#settings.maxBufferedAlerts).then(() => {
        this.#catchingUp = false;
        if (this.#state === "polling") this.#pump.poll(); // caught up: ask for more at once
      });
    }
  }

  /** Pauses a reader at the limit; past it after the GOAWAY, the grace timer cancels the call. */
  async #waitUnderLimit(sub: boolean): Promise<void> {
    const sink = this.#sink;
    while (!sink.isClosed && sink.size >= this.#limit()) {
      if (sub && this.#state === "draining") this.#overLimit = true;
      await sink.whenBelow(this.#limit());
    }
  }

  #onGoaway(): void {
    if (this.#state !== "polling") return;
    this.#state = "draining";
    this.#armGrace();
    this.#sink.wake(); // a reader paused at the hard limit reads on
  }

  /** Cancels the call once it is silent for the grace period after the GOAWAY. */
  #armGrace(): void {
    clearTimeout(this.#grace);
    this.#grace = setTimeout(() => {
      // Silent since the GOAWAY: Falco waits for a request that will not come.
      this.#cancelledAfterGoaway = true;
      this.#call.abort();
    }, this.#graceMs);
  }

  /** A silent stream is probed with `version`; no answer in time breaks it. */
  async #checkLiveness(): Promise<void> {
    // After a GOAWAY the connection takes no new calls: the grace timer ends the stream.
    if (this.#probing || this.#state !== "polling") return;
    void this.#starvation.check();
    if (performance.now() - this.#lastActivity < this.#settings.livenessCheckEveryMs) return;
    this.#probing = true;
    const { versionTimeoutMs } = this.#settings;
    try {
      await this.#connection.version.version({}, { timeoutMs: versionTimeoutMs });
      this.#lastActivity = performance.now();
    } catch (cause) {
      if (this.#state === "polling" && !this.#call.signal.aborted) {
        this.#failure ??= {
          error: new ConnectionError(
            `Falco did not answer a liveness check within ${versionTimeoutMs} ms: ` +
              "it is hung or unreachable; reconnecting",
            { cause },
          ),
        };
        this.#call.abort();
      }
    } finally {
      this.#probing = false;
    }
  }
}

/** One empty `request` envelope per poll of the pump (Falco drains its queue once per request). */
async function* pollEnvelopes(pump: RequestPump): AsyncGenerator<Uint8Array> {
  for await (const _ of pump) yield EMPTY_REQUEST_ENVELOPE;
}
