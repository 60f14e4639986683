import { createFalcoClient, type FalcoClient } from "@falco-sdk/client";
import { type AlertFilter, PRIORITIES, type Priority, parsePriority } from "@falco-sdk/core";
import { type Command, InvalidArgumentError, Option } from "commander";
import { loadFile } from "./load-file.js";

/** The flags of a gRPC input: TLS material, plaintext opt-in, --wait. */
export interface GrpcFlags {
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  insecurePlaintext?: boolean;
  wait?: boolean;
}

/** Flags of the commands that talk to one Falco over gRPC (get, version). */
export interface ConnectionFlags extends GrpcFlags {
  from?: string;
  endpoint?: string;
  verbose?: boolean;
}

/** Help of --insecure-plaintext, for every command with a gRPC input. */
export const INSECURE_PLAINTEXT_HELP =
  "gRPC: dial host:port without TLS (Falco never serves that; for a relay's " +
  "--serve-insecure-plaintext or a plaintext proxy)";

export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      "--from <endpoint>",
      "unix:///path.sock (or /path.sock), host:port or https://host:port (env FALCO_GRPC_ENDPOINT; " +
        "default unix:///run/falco/falco.sock)",
    )
    .option("-e, --endpoint <endpoint>", "same as --from")
    .option("--ca <file>", "CA of Falco's server certificate (mTLS; env FALCO_GRPC_CA)")
    .option("--cert <file>", "client certificate (mTLS; env FALCO_GRPC_CERT)")
    .option("--key <file>", "client private key (mTLS; env FALCO_GRPC_KEY)")
    .option("--server-name <name>", "name to verify in Falco's certificate (e.g. localhost)")
    .option("--insecure-plaintext", INSECURE_PLAINTEXT_HELP)
    .option("--wait", "wait for Falco to come up instead of failing at once")
    .option("-v, --verbose", "report connecting/connected on stderr; stack traces on errors");
}

const warnOnStderr = (text: string) => process.stderr.write(`falco-alerts: ${text}\n`);

/**
 * The gRPC client of one endpoint (undefined: the default socket) with the TLS flags: the one
 * place every command builds its client. TLS flags given with a unix socket endpoint are
 * ignored with a warning, once their files are checked: a file that cannot be read is an
 * error (exit 3), as for a TCP endpoint.
 *
 * @throws ConfigurationError for a malformed endpoint, TCP without --cert/--key, unreadable
 *   or mismatched certificate files.
 */
export function grpcClientFromFlags(
  endpoint: string | undefined,
  flags: GrpcFlags,
  warn: (text: string) => void = warnOnStderr,
): FalcoClient {
  const tls =
    flags.ca || flags.cert || flags.key || flags.serverName
      ? { ca: flags.ca, cert: flags.cert, key: flags.key, serverName: flags.serverName }
      : undefined;
  const client = createFalcoClient({
    endpoint,
    tls,
    insecurePlaintextTcp: flags.insecurePlaintext ?? false,
    waitForServer: flags.wait ?? false,
  });
  if (!client.endpoint.startsWith("unix://")) return client;
  const files = (["ca", "cert", "key"] as const).filter((name) => flags[name] !== undefined);
  try {
    for (const name of files) loadFile(`--${name}`, flags[name] as string);
  } catch (error) {
    void client.close();
    throw error;
  }
  const ignored = [
    ...files.map((name) => `--${name}`),
    ...(flags.serverName ? ["--server-name"] : []),
  ];
  if (flags.insecurePlaintext) ignored.push("--insecure-plaintext");
  if (ignored.length > 0) {
    warn(
      `${ignored.join(", ")} ignored: ${client.endpoint} is a unix socket, which has no TLS ` +
        "(TLS is for host:port endpoints)",
    );
  }
  return client;
}

export function clientFromFlags(flags: ConnectionFlags): FalcoClient {
  return grpcClientFromFlags(flags.from ?? flags.endpoint, flags);
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
