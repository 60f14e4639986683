// `tail --nats`: the fleet's stream on NATS JetStream as the command's input.

import { type FleetStart, subscribeFleet } from "@falco-sdk/nats";
import { InvalidArgumentError } from "commander";
import type { AlertInputs } from "./alert-inputs.js";
import type { FilterFlags } from "./connection-options.js";
import { filterFromFlags } from "./connection-options.js";
import { UsageError } from "./exit-codes.js";
import { type NatsFlags, natsConnectionFromFlags, natsServers } from "./nats-flags.js";

/** Flags of `tail --nats`. */
export interface FleetFlags extends NatsFlags, FilterFlags {
  nats?: string[];
  durable?: string;
  since?: FleetStart;
  host?: string[];
  from?: string[];
  endpoint?: string[];
  listenHttp?: string[];
  listen?: string[];
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since`: `all` (the whole stream), `now` (new alerts only), an RFC 3339 time, or a
 * duration ago such as `90s`, `15m`, `2h`, `7d`.
 */
export function parseSince(value: string): FleetStart {
  if (value === "all" || value === "beginning") return "all";
  if (value === "now" || value === "new") return "new";
  const ago = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value);
  if (ago) return new Date(Date.now() - Number(ago[1]) * (UNITS[ago[2] ?? "s"] ?? 1000));
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new InvalidArgumentError("all, now, an RFC 3339 time or a duration such as 15m, 2h, 7d");
  }
  return new Date(time);
}

/** Opens the fleet subscription as the command's one input. */
export function openFleetInput(flags: FleetFlags): AlertInputs {
  const local = [flags.from, flags.endpoint, flags.listenHttp, flags.listen].some(
    (v) => v && v.length > 0,
  );
  if (local) {
    throw new UsageError(
      "--nats reads the fleet's stream: it cannot be combined with --from or --listen-http",
    );
  }
  const servers = natsServers(flags.nats, "--nats");
  const sub = subscribeFleet({
    ...natsConnectionFromFlags(servers, flags),
    ...(flags.stream !== undefined && { stream: flags.stream }),
    ...(flags.subjectPrefix !== undefined && { subjectPrefix: flags.subjectPrefix }),
    ...(flags.durable !== undefined && { durable: flags.durable }),
    start: flags.since ?? "new",
    // Nothing fetched ahead: a tail that stops leaves the rest to the next one at once
    // (alerts fetched ahead would only be delivered again after the ack wait).
    maxBufferedAlerts: 1,
    filter: { ...filterFromFlags(flags), ...(flags.host && { hosts: flags.host }) },
  });
  let connected = false;
  let open = true;
  void (async () => {
    for await (const event of sub.status()) {
      if (event.type === "connected") connected = true;
      if (event.type === "disconnected") {
        process.stderr.write(
          `falco-alerts: NATS connection lost (${event.server}), reconnecting\n`,
        );
      }
      if (event.type === "invalid-message") {
        process.stderr.write(
          `falco-alerts: skipped a message that is not a Falco alert on ${event.subject}\n`,
        );
      }
    }
  })().catch(() => {});
  return {
    inputs: [],
    alerts: ({ signal }) => {
      signal.addEventListener("abort", () => sub.unsubscribe(), { once: true });
      return sub;
    },
    up: () => open && connected,
    report: { connected: () => connected, possibleLosses: () => 0 },
    close: async () => {
      open = false;
      sub.unsubscribe();
      await sub.closed;
    },
  };
}
