import { type Alert, BoundedQueue } from "@falco-sdk/core";
import { alertFromResponse, decodeResponse } from "@falco-sdk/proto";
import { service as outputsService, type response } from "@falco-sdk/proto/outputs";
import type { Connection } from "./connection.js";
import { EMPTY_REQUEST_ENVELOPE, readServerStream } from "./grpc-stream.js";

/** Alerts read ahead of the consumer of `get()`; past this, HTTP/2 flow control holds Falco's drain. */
const GET_READ_AHEAD = 1024;

/** What `streamGetAlerts` reports besides the alerts. */
export interface GetProgress {
  /** True once Falco answered with at least one alert. */
  received: boolean;
}

/**
 * The alerts of one `get` call (Falco drains its queue, then ends with OK), read a
 * chunk at a time into a bounded buffer. Throws the call's ConnectError when it fails.
 */
export async function* streamGetAlerts(
  connection: Connection,
  filter: ((alert: Alert) => boolean) | undefined,
  signal: AbortSignal,
  progress: GetProgress,
): AsyncGenerator<Alert, void, undefined> {
  const call = new AbortController();
  const abort = () => call.abort();
  signal.addEventListener("abort", abort, { once: true });
  // Unbounded itself: the reader pauses at GET_READ_AHEAD (flow control holds Falco back).
  const buffer = new BoundedQueue<response, { readonly failure?: { error: unknown } }>();
  const reader = readServerStream(connection.sessions, connection.baseUrl, {
    method: outputsService.method.get,
    requests: once(EMPTY_REQUEST_ENVELOPE),
    signal: call.signal,
    onMessage: (bytes) => buffer.push(decodeResponse(bytes)),
    pause: () => (buffer.size < GET_READ_AHEAD ? undefined : waitNotFull()),
  });
  async function waitNotFull(): Promise<void> {
    while (!buffer.isClosed && buffer.size >= GET_READ_AHEAD) {
      await buffer.whenBelow(GET_READ_AHEAD);
    }
  }
  reader.then(
    () => buffer.close({}),
    (error: unknown) => buffer.close({ failure: { error } }),
  );
  try {
    for (;;) {
      const next = await buffer.next();
      if (next.done) {
        if (next.value.failure) throw next.value.failure.error;
        return;
      }
      progress.received = true;
      const alert = alertFromResponse(next.value);
      if (!filter || filter(alert)) yield alert;
    }
  } finally {
    signal.removeEventListener("abort", abort);
    call.abort();
    buffer.close({}); // releases a reader paused at the read-ahead limit
    await reader.catch(() => {});
  }
}

async function* once(envelope: Uint8Array): AsyncGenerator<Uint8Array> {
  yield envelope;
}
