import { backoffDelayMs, sleep } from "@falco-sdk/core";
import type { NatsConnection } from "@nats-io/nats-core";
import { connectNats } from "./connection-options.js";
import type { ForwarderLifecycle } from "./forwarder-lifecycle.js";
import type { ForwarderSettings } from "./forwarder-settings.js";
import type { ForwarderStatus } from "./forwarder-status.js";
import { NatsConnectionError } from "./nats-errors.js";

/**
 * Connects (`connecting`), and with `waitForServer` dials again after a growing delay while
 * NATS is unreachable. Refused credentials and TLS errors throw at once. Resolves undefined
 * when the forwarder was closed meanwhile.
 */
export async function connectForwarder(
  settings: ForwarderSettings,
  lifecycle: ForwarderLifecycle,
  report: (event: ForwarderStatus) => void,
  backlogSize: () => number,
): Promise<NatsConnection | undefined> {
  lifecycle.to("connecting");
  for (let attempt = 1; ; attempt++) {
    report({ type: "connecting", servers: settings.servers });
    try {
      const connection = await connectNats(settings.options);
      if (!lifecycle.closing) return connection;
      await connection.close().catch(() => undefined);
      return undefined;
    } catch (error) {
      const notYet = error instanceof NatsConnectionError && settings.options.waitForServer;
      if (!(error instanceof NatsConnectionError) || !notYet || lifecycle.closing) throw error;
      const delayMs = backoffDelayMs(settings.retry, attempt);
      report({ type: "publish-failed", error, backlog: backlogSize(), delayMs });
      await sleep(delayMs, lifecycle.stopped);
      if (lifecycle.closing) return undefined;
    }
  }
}
