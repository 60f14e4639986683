import type { FalcoClient, SubscribeOptions } from "@falco-sdk/client";
import type { HttpAlertReceiver, ReceiverAlertsOptions } from "@falco-sdk/http";
import type { RelaySource } from "./relay-options.js";

/** How often a relay polls an upstream Falco by default (its subscribers poll on their own). */
export const RELAY_POLL_INTERVAL_MS = 20;

/**
 * A relay source reading a Falco gRPC endpoint through `client.subscribe()`
 * (reconnection and backoff as configured on the client), with its status
 * and version. `options` are the subscription's: filters apply before the
 * relay; `pollIntervalMs` defaults to {@link RELAY_POLL_INTERVAL_MS} (20 ms,
 * instead of the client's 100) so that the relay's hop adds little latency.
 */
export function relaySourceFromClient(
  client: FalcoClient,
  options: SubscribeOptions = {},
): RelaySource {
  return {
    name: client.endpoint,
    alerts: client.subscribe({ pollIntervalMs: RELAY_POLL_INTERVAL_MS, ...options }),
    status: client.status(),
    version: async (signal) => (await client.version({ signal })).raw,
  };
}

/** A relay source reading what Falco's http_output (or Falcosidekick) posts to `receiver`. */
export function relaySourceFromReceiver(
  receiver: HttpAlertReceiver,
  options: ReceiverAlertsOptions = {},
): RelaySource {
  return { name: receiver.url, alerts: receiver.alerts(options), status: receiver.status() };
}
