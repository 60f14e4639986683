// Where alerts come from, for every command that reads them (tail, stats,
// metrics, relay, forward, noise): Falco's gRPC output (--from, alias -e) and
// Falco's http_output / Falcosidekick's webhook (--listen-http, alias --listen),
// each repeatable, merged into one stream.
import type { FalcoClient } from "@falco-sdk/client";
import { type Alert, type AlertFilter, ConfigurationError, mergeAlerts } from "@falco-sdk/core";
import type { HttpAlertReceiver, ReceiverHandOff } from "@falco-sdk/http";
import type { Command } from "commander";
import { grpcClientFromFlags, INSECURE_PLAINTEXT_HELP } from "./connection-options.js";
import { UsageError } from "./exit-codes.js";
import { httpInput } from "./http-input.js";
import { reportStatus, type StatusReport } from "./run-command.js";

/** The input flags, as commander parses them. */
export interface InputFlags {
  from?: string[];
  endpoint?: string[];
  listenHttp?: string[];
  listen?: string[];
  ca?: string;
  cert?: string;
  key?: string;
  serverName?: string;
  insecurePlaintext?: boolean;
  wait?: boolean;
  httpCert?: string;
  httpKey?: string;
  httpCa?: string;
  httpSecret?: string;
  httpSecretFile?: string;
  httpSecretHeader?: string;
  httpInsecureRemote?: boolean;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Adds --from/-e, --listen-http/--listen and their TLS and secret flags. A command whose own
 * `--listen` is something else (`ui`: the page's address) passes `listenAlias: false`.
 */
export function addInputOptions(
  command: Command,
  options: { listenAlias?: boolean } = {},
): Command {
  command
    .option(
      "--from <endpoint>",
      "read Falco's gRPC output: unix:///path.sock (or /path.sock), or host:port with " +
        "--ca/--cert/--key " +
        "(repeatable; env FALCO_GRPC_ENDPOINT; default unix:///run/falco/falco.sock)",
      collect,
    )
    .option("-e, --endpoint <endpoint>", "same as --from", collect)
    .option(
      "--listen-http <[host:]port>",
      "receive Falco's http_output (Falco >= 0.44) or Falcosidekick's webhook on this address " +
        "(repeatable; host defaults to 127.0.0.1)",
      collect,
    );
  if (options.listenAlias ?? true)
    command.option("-l, --listen <[host:]port>", "same as --listen-http", collect);
  return command
    .option("--ca <file>", "gRPC: CA of Falco's server certificate (env FALCO_GRPC_CA)")
    .option("--cert <file>", "gRPC: client certificate (env FALCO_GRPC_CERT)")
    .option("--key <file>", "gRPC: client private key (env FALCO_GRPC_KEY)")
    .option("--server-name <name>", "gRPC: name to verify in Falco's certificate (e.g. localhost)")
    .option("--insecure-plaintext", INSECURE_PLAINTEXT_HELP)
    .option(
      "--wait",
      "wait for Falco (gRPC) or the --api server to come up instead of failing at once",
    )
    .option("--http-cert <file>", "HTTP input: serve HTTPS with this certificate")
    .option("--http-key <file>", "HTTP input: private key of --http-cert")
    .option("--http-ca <file>", "HTTP input: require client certificates signed by this CA (mTLS)")
    .option(
      "--http-secret-file <file>",
      "HTTP input: require the secret in this file (first line) in a header (Falcosidekick); " +
        "or env FALCO_ALERTS_HTTP_SECRET",
    )
    .option(
      "--http-secret <value>",
      "HTTP input: the same secret on the command line (visible in ps: prefer --http-secret-file)",
    )
    .option(
      "--http-secret-header <name>",
      "HTTP input: the header of the secret (default x-falco-sdk-secret)",
    )
    .option(
      "--http-insecure-remote",
      "HTTP input: accept unauthenticated alerts on a non-loopback address (anyone can inject)",
    )
    .option("-v, --verbose", "report connecting/connected on stderr; stack traces on errors");
}

/** One place alerts come from. */
export interface AlertInput {
  /** `grpc` for Falco's gRPC output, `http` for a receiver of its http_output. */
  readonly kind: "grpc" | "http";
  /** The endpoint or URL, as a user wrote it: `unix:///run/falco/falco.sock`, `http://127.0.0.1:2801/`. */
  readonly name: string;
  /** The gRPC client (kind `grpc`). */
  readonly client?: FalcoClient;
  /** The HTTP receiver (kind `http`). */
  readonly receiver?: HttpAlertReceiver;
  /**
   * With `handOff` in the options (kind `http`): gives the function that takes each alert before
   * its answer (`relay.intake()`); until then a POST is answered 500. Its alerts are then not in
   * `alerts()`.
   */
  handOffTo?(take: ReceiverHandOff): void;
  /** Whether alerts can arrive now: connected to Falco, or listening. */
  up(): boolean;
  /** What its status reporter saw: ever connected, possible losses. */
  readonly report: StatusReport;
  /** Alerts dropped by the SDK on this input (a consumer fell behind). */
  dropped(): number;
  alerts(options: AlertFilter & { signal: AbortSignal }): AsyncIterable<Alert>;
  close(): Promise<void>;
}

/** Every input of a command, and their alerts merged. */
export interface AlertInputs {
  readonly inputs: readonly AlertInput[];
  /** The alerts of every input, merged in arrival order. */
  alerts(options: AlertFilter & { signal: AbortSignal }): AsyncIterable<Alert>;
  /** True while at least one input is up. */
  up(): boolean;
  /** Combined: connected if any input ever was, possible losses summed. */
  readonly report: StatusReport;
  close(): Promise<void>;
}

/** Options of {@link openAlertInputs}. */
export interface OpenAlertInputsOptions {
  /** Where status lines go (stats draws them in its table). Default: stderr. */
  readonly say?: (text: string, warning: boolean) => void;
  /** HTTP inputs hand each alert over before answering (see `AlertInput.handOffTo`). */
  readonly handOff?: boolean;
}

function grpcInput(
  endpoint: string | undefined,
  flags: InputFlags,
  options: OpenAlertInputsOptions,
): AlertInput {
  const client = grpcClientFromFlags(endpoint, flags, (text) =>
    options.say ? options.say(text, true) : process.stderr.write(`falco-alerts: ${text}\n`),
  );
  let up = false;
  (async () => {
    for await (const event of client.status()) {
      if (event.type === "connected") up = true;
      else if (event.type !== "connecting") up = false;
    }
  })().catch(() => {});
  const report = reportStatus(client.status(), {
    ...(flags.verbose !== undefined && { verbose: flags.verbose }),
    ...(options.say && { say: options.say }),
  });
  return {
    kind: "grpc",
    name: client.endpoint,
    client,
    up: () => up,
    report,
    dropped: () => 0,
    alerts: (o) => client.subscribe(o),
    close: () => client.close(),
  };
}

/**
 * Opens every input the flags name; with none, the local Falco's gRPC socket.
 *
 * @throws UsageError for gRPC TLS flags with no gRPC input, or a malformed address;
 *   ConfigurationError (from the client or the receiver) for what they refuse.
 */
export async function openAlertInputs(
  flags: InputFlags,
  options: OpenAlertInputsOptions = {},
): Promise<AlertInputs> {
  const endpoints = [...(flags.from ?? []), ...(flags.endpoint ?? [])];
  const listeners = [...(flags.listenHttp ?? []), ...(flags.listen ?? [])];
  const clientTls =
    flags.ca ||
    flags.cert ||
    flags.key ||
    flags.serverName ||
    flags.wait ||
    flags.insecurePlaintext;
  if (listeners.length > 0 && endpoints.length === 0 && clientTls) {
    throw new UsageError(
      "--ca, --cert, --key, --server-name, --insecure-plaintext and --wait are for a gRPC input (--from); " +
        "the HTTP input's TLS flags are --http-cert, --http-key and --http-ca",
    );
  }
  const inputs: AlertInput[] = [];
  try {
    for (const address of listeners) inputs.push(await httpInput(address, flags, options));
    if (endpoints.length === 0 && listeners.length === 0)
      inputs.push(grpcInput(undefined, flags, options));
    for (const endpoint of endpoints) inputs.push(grpcInput(endpoint, flags, options));
  } catch (error) {
    await Promise.all(inputs.map((input) => input.close()));
    if (error instanceof ConfigurationError || error instanceof UsageError) throw error;
    throw new ConfigurationError(`cannot open the inputs: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return {
    inputs,
    alerts: (o) =>
      inputs.length === 1
        ? inputs[0]!.alerts(o)
        : mergeAlerts(...inputs.map((input) => input.alerts(o))),
    up: () => inputs.some((input) => input.up()),
    report: {
      connected: () => inputs.some((input) => input.report.connected()),
      possibleLosses: () => inputs.reduce((n, input) => n + input.report.possibleLosses(), 0),
    },
    close: async () => {
      await Promise.all(inputs.map((input) => input.close()));
    },
  };
}
