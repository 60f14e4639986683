import { createFalcoClient, type FalcoClient } from "@falco-sdk/client";
import { type AlertFilter, PRIORITIES, type Priority, parsePriority } from "@falco-sdk/core";
import { type Command, InvalidArgumentError, Option } from "commander";

/** Flags of the commands that talk to one Falco over gRPC (get, version). */
export interface ConnectionFlags {
  from?: string;
  endpoint?: string;
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  wait?: boolean;
  verbose?: boolean;
}

export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      "--from <endpoint>",
      "unix:///path.sock, host:port or https://host:port (env FALCO_GRPC_ENDPOINT; default unix:///run/falco/falco.sock)",
    )
    .option("-e, --endpoint <endpoint>", "same as --from")
    .option("--ca <file>", "CA of Falco's server certificate (mTLS; env FALCO_GRPC_CA)")
    .option("--cert <file>", "client certificate (mTLS; env FALCO_GRPC_CERT)")
    .option("--key <file>", "client private key (mTLS; env FALCO_GRPC_KEY)")
    .option("--server-name <name>", "name to verify in Falco's certificate (e.g. localhost)")
    .option("--wait", "wait for Falco to come up instead of failing at once")
    .option("-v, --verbose", "report connecting/connected on stderr; stack traces on errors");
}

export function clientFromFlags(flags: ConnectionFlags): FalcoClient {
  const tls =
    flags.ca || flags.cert || flags.key || flags.serverName
      ? { ca: flags.ca, cert: flags.cert, key: flags.key, serverName: flags.serverName }
      : undefined;
  return createFalcoClient({
    endpoint: flags.from ?? flags.endpoint,
    tls,
    waitForServer: flags.wait ?? false,
  });
}

/** Flags of the alert filters. */
export interface FilterFlags {
  minPriority?: Priority;
  rule?: string[];
  tag?: string[];
  source?: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addFilterOptions(command: Command): Command {
  return command
    .addOption(
      new Option("-p, --min-priority <priority>", "only this priority and more severe ones")
        .choices(PRIORITIES.flatMap((p) => [p, p.toLowerCase()]))
        .argParser((value: string) => {
          const priority = parsePriority(value);
          if (!priority) throw new InvalidArgumentError(`one of ${PRIORITIES.join(", ")}`);
          return priority;
        }),
    )
    .option("-r, --rule <name>", "only this rule (repeatable)", collect)
    .option("-t, --tag <tag>", "only alerts with this tag (repeatable)", collect)
    .option("-s, --source <source>", "only this source, e.g. syscall (repeatable)", collect);
}

export function filterFromFlags(flags: FilterFlags): AlertFilter {
  return {
    minPriority: flags.minPriority,
    rules: flags.rule,
    tags: flags.tag,
    sources: flags.source,
  };
}

export function positiveNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

export function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError("a port from 0 to 65535");
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError("an integer");
  return n;
}
