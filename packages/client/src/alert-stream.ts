import type { response } from "@falco-sdk/proto/outputs";
import type { Alert } from "./alert.js";
import { alertFromResponse } from "./alert-from-response.js";
import { BoundedBuffer, END } from "./bounded-buffer.js";
import type { Connection } from "./connection.js";
import { ConnectionError } from "./errors.js";
import { RequestPump } from "./request-pump.js";

/** Settings of one `sub` stream on one connection. */
export interface AlertStreamSettings {
  readonly pollIntervalMs: number;
  readonly maxBufferedAlerts: number;
  readonly livenessTimeoutMs: number;
  readonly filter: ((alert: Alert) => boolean) | undefined;
}

/**
 * Alerts from one `sub` call until it ends: returns when Falco ends the stream
 * with OK, throws when it breaks. Polls every `pollIntervalMs`, and again at
 * once while alerts keep coming (a backlog drains at full speed). A reader
 * keeps one `next()` pending on the call while there is room in the buffer,
 * so reading stops (and HTTP/2 flow control holds Falco back) when the
 * consumer lags, while polls go on: Falco's shutdown waits for the next poll.
 * A silent stream is checked with `version` calls: no answer within
 * `livenessTimeoutMs / 2` ends the stream with a ConnectionError.
 */
export async function* streamAlerts(
  connection: Connection,
  settings: AlertStreamSettings,
  signal: AbortSignal,
): AsyncGenerator<Alert, void, undefined> {
  const call = new AbortController();
  const abort = () => call.abort();
  signal.addEventListener("abort", abort, { once: true });
  const pump = new RequestPump();
  const buffer = new BoundedBuffer<response>(settings.maxBufferedAlerts);
  let lastActivity = performance.now();

  const reader = (async () => {
    for await (const message of connection.outputs.sub(pump, { signal: call.signal })) {
      lastActivity = performance.now();
      if (!buffer.full) pump.pollSoon();
      await buffer.push(message);
    }
  })();
  reader.then(
    () => buffer.end(),
    (error: unknown) => buffer.fail(error),
  );

  const poller = setInterval(() => pump.poll(), settings.pollIntervalMs);
  pump.poll();

  const checkEveryMs = settings.livenessTimeoutMs / 4;
  let probing = false;
  const liveness = setInterval(async () => {
    if (probing || performance.now() - lastActivity < checkEveryMs) return;
    probing = true;
    try {
      await connection.version.version({}, { timeoutMs: settings.livenessTimeoutMs / 2 });
      lastActivity = performance.now();
    } catch (cause) {
      if (!call.signal.aborted) {
        buffer.fail(
          new ConnectionError(
            `Falco did not answer a liveness check within ${settings.livenessTimeoutMs / 2} ms: ` +
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
      const message = await buffer.shift();
      if (message === END) return;
      const alert = alertFromResponse(message);
      if (!settings.filter || settings.filter(alert)) yield alert;
    }
  } finally {
    clearInterval(poller);
    clearInterval(liveness);
    pump.dispose();
    signal.removeEventListener("abort", abort);
    call.abort();
    await reader.catch(() => {});
  }
}
