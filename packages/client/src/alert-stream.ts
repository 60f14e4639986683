import type { Alert } from "@falco-sdk/core";
import { alertFromResponse, decodeResponse } from "@falco-sdk/proto";
import { service as outputsService, type response } from "@falco-sdk/proto/outputs";
import { AlertBuffer, END } from "./alert-buffer.js";
import type { Connection } from "./connection.js";
import { ConnectionError } from "./errors.js";
import { EMPTY_REQUEST_ENVELOPE, readServerStream } from "./grpc-stream.js";
import { RequestPump } from "./request-pump.js";
import type { SubscribeSettings } from "./resolve-options.js";
import { StarvationWatch } from "./starvation-watch.js";

/** Settings of one `sub` stream on one connection. */
export interface AlertStreamSettings extends SubscribeSettings {
  /** Deadline of a liveness probe (`version` call). */
  readonly versionTimeoutMs: number;
  /** A stream silent this long is probed. */
  readonly livenessCheckEveryMs: number;
  /** Alerts received but never handed over: the consumer ended the subscription first. */
  readonly onDiscarded?: (count: number) => void;
  /** Falco accepted the `sub` call but does not serve it (true), or serves it again (false). */
  readonly onStarved?: (starved: boolean) => void;
  /** Receives the stream's buffer, so that the subscription can report how much it holds. */
  readonly onBuffer?: (buffer: { readonly size: number }) => void;
}

/** How a `sub` stream ended without an error: Falco is stopping, or reloading its rules or configuration. */
export interface AlertStreamEnd {
  /** Falco sent GOAWAY (the usual start of a stop or reload). */
  readonly goaway: boolean;
  /**
   * Falco may have popped an alert that never reached us: it ended the call
   * with OK, or we cancelled a write in flight (see {@link streamAlerts}).
   */
  readonly alertsMayHaveBeenLost: boolean;
  /** Alerts the call received (before any filter). */
  readonly received: number;
}

/**
 * What may still arrive after Falco's GOAWAY beyond the usual limit: Falco
 * finishes a draining call right after its current write, so this is that
 * write plus what fits in the 64 KiB HTTP/2 window. It bounds memory against
 * a server that would go on writing after its GOAWAY.
 */
const AFTER_GOAWAY_LIMIT = 4096;

/**
 * Alerts from one `sub` call until it ends: returns when Falco ends the stream
 * (OK), or when Falco is stopping or reloading; throws when it breaks.
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
 * What was received is handed to the consumer before the subscription reconnects.
 *
 * A silent stream is checked with `version` calls: no answer within
 * `versionTimeoutMs` ends it with a ConnectionError. A silent stream that
 * Falco does not serve at all (its `sub` slots are full) is found with `get`
 * calls, which then deliver the queue (see {@link StarvationWatch}).
 */
export async function* streamAlerts(
  connection: Connection,
  settings: AlertStreamSettings,
  signal: AbortSignal,
): AsyncGenerator<Alert, AlertStreamEnd, undefined> {
  const call = new AbortController();
  const abort = () => call.abort();
  signal.addEventListener("abort", abort, { once: true });
  const { goaway } = connection;
  const buffer = new AlertBuffer<response>(settings.maxBufferedAlerts);
  settings.onBuffer?.(buffer);
  const pump = new RequestPump(() => !buffer.full && !goaway.aborted);
  let lastActivity = performance.now();
  let readerDone = false;

  const hardLimit = settings.maxBufferedAlerts * 4;
  const limit = () => (goaway.aborted ? hardLimit + AFTER_GOAWAY_LIMIT : hardLimit);
  const graceMs = Math.min(Math.max(settings.pollIntervalMs, 100), 1000);
  let overLimit = false;
  let cancelledAfterGoaway = false;
  let endedWithOk = false;
  let received = 0;
  let grace: NodeJS.Timeout | undefined;
  const armGrace = () => {
    clearTimeout(grace);
    grace = setTimeout(() => {
      // Silent since the GOAWAY: Falco waits for a request that will not come.
      cancelledAfterGoaway = true;
      call.abort();
    }, graceMs);
  };
  const onGoaway = () => {
    armGrace();
    buffer.wake(); // a reader paused at the hard limit reads on
  };
  if (goaway.aborted) onGoaway();
  else goaway.addEventListener("abort", onGoaway, { once: true, signal: call.signal });

  const starvation = new StarvationWatch({
    connection,
    pump,
    buffer,
    quietMs: settings.livenessCheckEveryMs,
    signal: call.signal,
    limit,
    mayFetch: () => !buffer.full && !goaway.aborted && !readerDone,
    onAlert: () => {
      lastActivity = performance.now();
    },
    onStarved: (starved) => settings.onStarved?.(starved),
  });

  const reader = readServerStream(connection.http, connection.baseUrl, {
    method: outputsService.method.sub,
    requests: pollEnvelopes(pump),
    signal: call.signal,
    onMessage: (bytes) => {
      buffer.push(decodeResponse(bytes));
      received++;
      starvation.subDelivered();
      if (goaway.aborted) armGrace();
    },
    // After each chunk of messages (per message is the hot path).
    pause: () => {
      lastActivity = performance.now();
      if (!goaway.aborted) pump.pollSoon();
      return buffer.closed || buffer.size < limit() ? undefined : waitUnderLimit();
    },
  });
  async function waitUnderLimit(): Promise<void> {
    while (!buffer.closed && buffer.size >= limit()) {
      if (goaway.aborted) overLimit = true; // the grace timer cancels the call
      await buffer.changed();
    }
  }
  // The stream ends once the sub call and a get in progress are both over.
  reader.then(
    async () => {
      readerDone = true;
      endedWithOk = true;
      await starvation.idle();
      buffer.end();
    },
    async (error: unknown) => {
      readerDone = true;
      await starvation.idle();
      if (cancelledAfterGoaway) buffer.end();
      else buffer.fail(error);
    },
  );

  const poller = setInterval(() => {
    pump.poll();
    starvation.poll();
  }, settings.pollIntervalMs);
  pump.poll();

  const checkEveryMs = settings.livenessCheckEveryMs;
  let probing = false;
  const liveness = setInterval(async () => {
    // After a GOAWAY the connection takes no new calls: the grace timer ends the stream.
    if (probing || readerDone || goaway.aborted) return;
    void starvation.check();
    if (performance.now() - lastActivity < checkEveryMs) return;
    probing = true;
    try {
      await connection.version.version({}, { timeoutMs: settings.versionTimeoutMs });
      lastActivity = performance.now();
    } catch (cause) {
      if (!call.signal.aborted && !goaway.aborted) {
        buffer.fail(
          new ConnectionError(
            `Falco did not answer a liveness check within ${settings.versionTimeoutMs} ms: ` +
              "it is hung or unreachable; reconnecting",
            { cause },
          ),
        );
        call.abort();
      }
    } finally {
      probing = false;
    }
  }, checkEveryMs);

  try {
    for (;;) {
      const wasFull = buffer.full;
      const message = await buffer.shift();
      if (message === END) break;
      if (wasFull && !buffer.full) pump.poll(); // caught up: ask for more at once
      const alert = alertFromResponse(message);
      if (!settings.filter || settings.filter(alert)) yield alert;
    }
    return {
      goaway: goaway.aborted,
      // Ended with OK: Falco popped one alert at its stop check and discarded
      // it (see above). Or it kept writing past what Falco does and we
      // cancelled a write in flight.
      alertsMayHaveBeenLost: endedWithOk || overLimit,
      received,
    };
  } finally {
    clearInterval(poller);
    clearInterval(liveness);
    clearTimeout(grace);
    pump.dispose();
    signal.removeEventListener("abort", abort);
    call.abort();
    buffer.end(); // releases a reader (or a get) paused at its limit
    await reader.catch(() => {});
    await starvation.idle();
    const left = buffer.clear();
    if (left.length > 0 && settings.onDiscarded) {
      const { filter } = settings;
      const count = filter
        ? left.filter((message) => filter(alertFromResponse(message))).length
        : left.length;
      if (count > 0) settings.onDiscarded(count);
    }
  }
}

/** One empty `request` envelope per poll of the pump (Falco drains its queue once per request). */
async function* pollEnvelopes(pump: RequestPump): AsyncGenerator<Uint8Array> {
  for await (const _ of pump) yield EMPTY_REQUEST_ENVELOPE;
}
