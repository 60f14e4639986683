import {
  claimSocketPath,
  createAlertRelay,
  type RelayListenOptions,
  type RelaySource,
  relaySourceFromClient,
  relaySourceFromReceiver,
} from "@falco-sdk/relay";
import { type Command, InvalidArgumentError } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import { describeError, EXIT, UsageError } from "../exit-codes.js";
import { parseListenEndpoint } from "../listen-address.js";
import { loadFile } from "../load-file.js";
import { formatLoss, lossCounts } from "../loss-report.js";
import { plural } from "../plural.js";
import { finish, startRun } from "../run-command.js";

interface RelayFlags extends InputFlags {
  serve?: string[];
  serveCert?: string;
  serveKey?: string;
  serveCa?: string;
  serveInsecurePlaintext?: boolean;
  serveSocketMode?: number;
  maxQueued?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function socketMode(value: string): number {
  if (!/^0?[0-7]{3}$/.test(value)) throw new InvalidArgumentError("an octal mode such as 0660");
  return Number.parseInt(value, 8);
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError("a positive integer");
  return n;
}

/** The listen options of one --serve ENDPOINT. */
function serveOptions(endpoint: string, flags: RelayFlags): RelayListenOptions {
  const address = parseListenEndpoint("--serve", endpoint);
  if (address.kind === "unix") {
    return { socketPath: address.path, socketMode: flags.serveSocketMode ?? 0o660 };
  }
  const { host, port } = address;
  if (flags.serveCert && flags.serveKey && flags.serveCa) {
    return {
      host,
      port,
      tls: {
        cert: loadFile("--serve-cert", flags.serveCert),
        key: loadFile("--serve-key", flags.serveKey),
        ca: loadFile("--serve-ca", flags.serveCa),
      },
    };
  }
  if (flags.serveCert || flags.serveKey || flags.serveCa) {
    throw new UsageError("mutual TLS needs all of --serve-cert, --serve-key and --serve-ca");
  }
  if (flags.serveInsecurePlaintext) return { host, port, insecurePlaintext: true };
  throw new UsageError(
    `--serve ${endpoint} is TCP: give --serve-cert, --serve-key and --serve-ca (mutual TLS, as ` +
      "Falco requires), use a unix:///path socket, or accept plaintext with --serve-insecure-plaintext",
  );
}

function sourceOf(input: AlertInputs["inputs"][number]): RelaySource {
  if (input.client) return relaySourceFromClient(input.client);
  if (input.receiver) return relaySourceFromReceiver(input.receiver);
  throw new Error(`input ${input.name} has neither a client nor a receiver`);
}

export function registerRelay(program: Command): void {
  const command = program
    .command("relay")
    .description(
      "give every consumer every alert: read Falco (gRPC and/or http_output) and serve Falco's gRPC API",
    )
    .option(
      "--serve <endpoint>",
      "serve Falco's gRPC outputs API here: unix:///path.sock (or /path.sock) or [host:]port (repeatable)",
      collect,
    )
    .option("--serve-cert <file>", "certificate of the TCP listeners (mutual TLS)")
    .option("--serve-key <file>", "private key of --serve-cert")
    .option("--serve-ca <file>", "CA that client certificates must chain to")
    .option(
      "--serve-insecure-plaintext",
      "INSECURE: serve TCP without TLS (anyone reaching the port reads every alert)",
    )
    .option("--serve-socket-mode <mode>", "mode of the unix sockets (default 0660)", socketMode)
    .option(
      "--max-queued <n>",
      "alerts kept per subscriber; beyond it its oldest are dropped and counted (default 10000)",
      positiveInteger,
    );
  addInputOptions(command);
  command.addHelpText(
    "after",
    `
Every subscriber gets every alert, from its own queue (--max-queued); one that
stops polling or reading loses its own oldest alerts, counted, never slowing the
others. SIGUSR1 prints the counters (JSON) on stderr; SIGTERM/SIGINT close every
stream and exit 0.

Examples:
  # Falco >= 0.44: http_output.url: http://127.0.0.1:2801/, unchanged gRPC clients on the socket
  $ falco-alerts relay --listen-http 2801 --serve unix:///run/falco/falco.sock
  # Falco <= 0.43: let several consumers share one Falco
  $ falco-alerts relay --from unix:///run/falco/falco.sock --serve unix:///run/falco/relay.sock
  $ falco-alerts relay --listen-http 2801 --serve 0.0.0.0:5060 \\
      --serve-cert server.crt --serve-key server.key --serve-ca ca.crt`,
  );
  command.action(async (flags: RelayFlags) => {
    const run = startRun();
    const serve = flags.serve ?? [];
    let inputs: AlertInputs | undefined;
    let failure: unknown;
    try {
      if (serve.length === 0) {
        throw new UsageError(
          "give at least one --serve ENDPOINT, e.g. --serve unix:///run/falco/falco.sock",
        );
      }
      const listens = serve.map((endpoint) => serveOptions(endpoint, flags));
      // Before reading Falco: a relay that cannot serve must not take alerts from Falco's
      // queue, and another server's socket makes it exit 3 (like any bad setting).
      for (const listen of listens) {
        if ("socketPath" in listen) await claimSocketPath(listen.socketPath);
      }
      // A relay is a daemon: wait for the upstream Falco rather than fail at start.
      const grpcInputs = (flags.from?.length ?? 0) + (flags.endpoint?.length ?? 0) > 0;
      const httpInputs = (flags.listenHttp?.length ?? 0) + (flags.listen?.length ?? 0) > 0;
      const wait = flags.wait ?? (grpcInputs || !httpInputs ? true : undefined);
      inputs = await openAlertInputs({ ...flags, wait });
      const relay = createAlertRelay({
        sources: inputs.inputs.map(sourceOf),
        ...(flags.maxQueued !== undefined && { maxQueued: flags.maxQueued }),
      });
      const opened = inputs;
      const printStats = () => {
        const loss = lossCounts(opened);
        const stats = { ...relay.stats(), inputLosses: loss };
        process.stderr.write(`falco-alerts: stats ${JSON.stringify(stats)}\n`);
        process.stderr.write(`falco-alerts: ${formatLoss(loss)}\n`);
      };
      process.on("SIGUSR1", printStats);
      (async () => {
        for await (const event of relay.status()) {
          if (event.type === "subscriber-dropping") {
            process.stderr.write(
              `falco-alerts: subscriber ${event.subscriber} does not keep up: ${plural(event.dropped, "alert")} dropped\n`,
            );
          } else if (event.type === "request-rejected") {
            process.stderr.write(
              `falco-alerts: refused a malformed request from ${event.peer} (${event.reason}): ${event.message}\n`,
            );
          } else if (event.type === "source-ended" && event.error !== undefined) {
            process.stderr.write(
              `falco-alerts: input ${event.source} stopped: ${describeError(event.error)}\n`,
            );
          }
        }
      })().catch(() => {});
      try {
        for (const listen of listens) {
          const { endpoint } = await relay.listen(listen);
          process.stdout.write(`falco-alerts: serving Falco's gRPC API on ${endpoint}\n`);
        }
        if (!run.signal.aborted) {
          await new Promise((resolve) => run.signal.addEventListener("abort", resolve));
        }
      } finally {
        process.off("SIGUSR1", printStats);
        await relay.close();
      }
    } catch (error) {
      failure = error;
    } finally {
      await inputs?.close();
    }
    const code = finish(run, failure, inputs?.report.connected() ?? false, flags.verbose);
    // A daemon stopped by SIGINT or SIGTERM exits 0 once every stream is closed.
    process.exitCode = code === EXIT.interrupted ? EXIT.ok : code;
  });
}
