// `relay --from-nats URL`: the fleet's stream (what `falco-alerts forward` publishes to NATS
// JetStream) as relay sources, read through a durable consumer so that a restarted relay
// resumes where it stopped.
import type { FleetStart, FleetStatus } from "@falco-sdk/nats";
import { subscribeFleet } from "@falco-sdk/nats";
import type { RelaySource } from "@falco-sdk/relay";
import { describeError, UsageError } from "./exit-codes.js";
import { type NatsFlags, natsConnectionFromFlags, natsServers } from "./nats-flags.js";

/** The durable consumer of `relay --from-nats` when `--nats-durable` is not given. */
export const DEFAULT_RELAY_DURABLE = "falco-alerts-relay";

/** Flags of `relay --from-nats`. */
export interface FleetSourceFlags extends NatsFlags {
  fromNats?: string[];
  natsDurable?: string;
  natsSince?: FleetStart;
  verbose?: boolean;
}

/** One line on stderr for the fleet events a relay operator needs to see. */
function describeFleetEvent(
  name: string,
  event: FleetStatus,
  verbose: boolean,
): string | undefined {
  switch (event.type) {
    case "connected":
      return verbose ? `--from-nats ${name}: reading (consumer ${event.consumer})` : undefined;
    case "disconnected":
      return `--from-nats ${name}: NATS connection lost (${event.server}), reconnecting`;
    case "retrying":
      return `--from-nats ${name}: JetStream not ready, retrying: ${describeError(event.error)}`;
    case "waiting-for-stream":
      return `--from-nats ${name}: waiting for stream ${event.stream} (start a falco-alerts forward --to this NATS, or give --stream)`;
    case "waiting-for-leader":
      return `--from-nats ${name}: consumer ${event.consumer} has no leader yet, waiting`;
    case "invalid-message":
      return `--from-nats ${name}: skipped a message that is not a Falco alert on ${event.subject}`;
    default:
      return undefined;
  }
}

/**
 * One relay source per `--from-nats` value (servers of one NATS system, comma-separated), each
 * read through the durable `--nats-durable` (default {@link DEFAULT_RELAY_DURABLE}); a new
 * durable starts at `--nats-since` (default: the whole stream). Alerts keep their hostname.
 * `whenStored` (with --store: the relay's): each alert is acknowledged to JetStream only once
 * it resolves, so no alert leaves the stream's consumer before it is on disk, while the relay
 * reads on; one that could not be stored is delivered again after the ack wait.
 * @throws UsageError for a malformed URL or conflicting NATS flags.
 */
export function fleetSources(
  flags: FleetSourceFlags,
  whenStored?: () => Promise<void>,
): RelaySource[] {
  if ((flags.fromNats ?? []).length === 0) {
    const given = (
      [
        ["--nats-durable", flags.natsDurable],
        ["--nats-since", flags.natsSince],
        ["--stream", flags.stream],
        ["--subject-prefix", flags.subjectPrefix],
        ["--nats-user", flags.natsUser],
        ["--nats-token", flags.natsToken],
        ["--nats-creds", flags.natsCreds],
        ["--nats-ca", flags.natsCa],
        ["--nats-cert", flags.natsCert],
      ] as const
    )
      .filter(([, value]) => value !== undefined)
      .map(([flag]) => flag);
    if (given.length > 0) {
      throw new UsageError(`${given.join(", ")}: for --from-nats, which was not given`);
    }
    return [];
  }
  return (flags.fromNats ?? []).map((value) => {
    const servers = natsServers(value, "--from-nats");
    const name = servers.join(",");
    const subscription = subscribeFleet({
      ...natsConnectionFromFlags(servers, flags),
      ...(flags.stream !== undefined && { stream: flags.stream }),
      ...(flags.subjectPrefix !== undefined && { subjectPrefix: flags.subjectPrefix }),
      durable: flags.natsDurable ?? DEFAULT_RELAY_DURABLE,
      start: flags.natsSince ?? "all",
      // A relay is a daemon: the forwarders may come up after it.
      waitForStream: true,
      ...(whenStored && { ackAfter: () => whenStored() }),
    });
    const verbose = flags.verbose ?? false;
    const status = subscription.status();
    void (async () => {
      for await (const event of subscription.status()) {
        const line = describeFleetEvent(name, event, verbose);
        if (line) process.stderr.write(`falco-alerts: ${line}\n`);
      }
    })().catch(() => {});
    return {
      name,
      alerts: subscription,
      status,
    };
  });
}
