import type { Alert } from "@falco-sdk/core";
import type { response } from "@falco-sdk/proto/outputs";
import { AlertBuffer, END } from "./alert-buffer.js";
import { alertFromResponse } from "./alert-from-response.js";
import type { Connection } from "./connection.js";
import { ConnectionError } from "./errors.js";
import { RequestPump } from "./request-pump.js";
import type { SubscribeSettings } from "./resolve-options.js";

/** Settings of one `sub` stream on one connection. */
export interface AlertStreamSettings extends SubscribeSettings {
  /** Deadline of a liveness probe (`version` call). */
  readonly versionTimeoutMs: number;
  /** A stream silent this long is probed. */
  readonly livenessCheckEveryMs: number;
}

/**
 * Alerts from one `sub` call until it ends: returns when Falco ends the stream
 * with OK, throws when it breaks.
 *
 * Falco sends nothing until polled and each poll drains its whole queue, so
 * polling is the main flow control there is. We poll every `pollIntervalMs`,
 * and again at once while alerts keep coming (a backlog drains at full speed),
 * but not while `maxBufferedAlerts` or more wait for the consumer: the rest
 * stays in Falco's queue, which bounds our memory and what a broken connection
 * can lose. A drain in progress also takes alerts that arrive while it writes,
 * so at 4 x `maxBufferedAlerts` we stop reading too and let HTTP/2 flow control
 * hold Falco back; reading, and polling (which Falco's shutdown waits for),
 * resume as soon as the consumer catches up. A silent stream is checked with `version`
 * calls: no answer within `versionTimeoutMs` ends it with a ConnectionError.
 */
export async function* streamAlerts(
  connection: Connection,
  settings: AlertStreamSettings,
  signal: AbortSignal,
): AsyncGenerator<Alert, void, undefined> {
  const call = new AbortController();
  const abort = () => call.abort();
  signal.addEventListener("abort", abort, { once: true });
  const buffer = new AlertBuffer<response>(settings.maxBufferedAlerts);
  const pump = new RequestPump(() => !buffer.full);
  let lastActivity = performance.now();

  const hardLimit = settings.maxBufferedAlerts * 4;
  const reader = (async () => {
    for await (const message of connection.outputs.sub(pump, { signal: call.signal })) {
      lastActivity = performance.now();
      buffer.push(message);
      pump.pollSoon();
      // A drain goes on while alerts keep arriving: past the hard limit, stop
      // reading, and HTTP/2 flow control holds Falco's drain until we catch up.
      if (buffer.size >= hardLimit) await buffer.drained();
    }
  })();
  reader.then(
    () => buffer.end(),
    (error: unknown) => buffer.fail(error),
  );

  const poller = setInterval(() => pump.poll(), settings.pollIntervalMs);
  pump.poll();

  const checkEveryMs = settings.livenessCheckEveryMs;
  let probing = false;
  const liveness = setInterval(async () => {
    if (probing || performance.now() - lastActivity < checkEveryMs) return;
    probing = true;
    try {
      await connection.version.version({}, { timeoutMs: settings.versionTimeoutMs });
      lastActivity = performance.now();
    } catch (cause) {
      if (!call.signal.aborted) {
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
      if (message === END) return;
      if (wasFull && !buffer.full) pump.poll(); // caught up: ask for more at once
      const alert = alertFromResponse(message);
      if (!settings.filter || settings.filter(alert)) yield alert;
    }
  } finally {
    clearInterval(poller);
    clearInterval(liveness);
    pump.dispose();
    signal.removeEventListener("abort", abort);
    call.abort();
    buffer.end(); // releases a reader paused in drained()
    await reader.catch(() => {});
  }
}
