import { join } from "node:path";
import { claimSocketPath, createAlertRelay } from "@falco-sdk/relay";
import { type Command, InvalidArgumentError } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import { describeError, EXIT, UsageError } from "../exit-codes.js";
import { parseSince } from "../fleet-input.js";
import { formatLoss, lossCounts } from "../loss-report.js";
import { addNatsOptions } from "../nats-flags.js";
import {
  DEFAULT_RELAY_DURABLE,
  type FleetSourceFlags,
  fleetSources,
} from "../relay-fleet-sources.js";
import { NO_LOCAL_INPUTS, sourceOf } from "../relay-local-sources.js";
import { type RelayServeFlags, serveOptions, socketMode } from "../relay-serve-flags.js";
import { relayStatusLine } from "../relay-status-line.js";
import { finish, startRun } from "../run-command.js";
import {
  addServeHttpOptions,
  type ServeHttpFlags,
  serveHttpOptions,
  startServeHttp,
} from "../serve-http-flags.js";
import {
  INTAKE_JOURNAL_FILE,
  journalReplayLine,
  openStoreFromFlags,
  parseByteSize,
  parseRetention,
  type StoreFlags,
} from "../store-flags.js";

interface RelayFlags
  extends InputFlags,
    StoreFlags,
    FleetSourceFlags,
    ServeHttpFlags,
    RelayServeFlags {
  maxQueued?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError("a positive integer");
  return n;
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
    )
    .option(
      "--store <dir>",
      "write every alert to an alert store in this directory before any subscriber gets it " +
        "(kept across restarts; created when missing)",
    )
    .option(
      "--retention <duration>",
      "--store: remove alerts older than this: 90s, 15m, 24h, 7d (default: kept whatever their age)",
      parseRetention,
    )
    .option(
      "--max-store-bytes <size>",
      "--store: remove the oldest alerts beyond this size: bytes, or 500MB, 2GiB (default: no limit)",
      parseByteSize,
    )
    .option(
      "--max-store-alerts <n>",
      "--store: keep at most this many alerts, removing the oldest (default: no limit)",
      positiveInteger,
    )
    .option(
      "--no-store-fsync",
      "--store: do not fsync each append (a killed relay loses nothing stored, a power loss may " +
        "lose the last appends; faster on slow disks)",
    )
    .option(
      "--from-nats <url>",
      "read the fleet's stream (falco-alerts forward --to) from this NATS JetStream: " +
        "nats://host:4222[,nats://...] (repeatable, one NATS system each)",
      collect,
    )
    .option(
      "--nats-durable <name>",
      `--from-nats: durable consumer, so that a restarted relay resumes where it stopped (default ${DEFAULT_RELAY_DURABLE})`,
    )
    .option(
      "--nats-since <when>",
      "--from-nats: where a new durable starts: all (default), now, an RFC 3339 time or 15m, 2h, 7d ago",
      parseSince,
    );
  addServeHttpOptions(command);
  addInputOptions(command);
  addNatsOptions(command);
  command.addHelpText(
    "after",
    `
Every subscriber gets every alert, from its own queue (--max-queued); one that
stops polling or reading loses its own oldest alerts, counted, never slowing the
others. With --store, every alert is on disk before any subscriber gets it, and a
restarted relay keeps every stored alert; a store that refuses appends (full disk,
read-only) is reported and counted, the relay goes on. SIGUSR1 prints the counters (JSON) on stderr; SIGTERM/SIGINT close every
stream and exit 0.

Examples:
  # Falco >= 0.44: http_output.url: http://127.0.0.1:2801/, unchanged gRPC clients on the socket
  $ falco-alerts relay --listen-http 2801 --serve unix:///run/falco/falco.sock
  # Falco <= 0.43: let several consumers share one Falco
  $ falco-alerts relay --from unix:///run/falco/falco.sock --serve unix:///run/falco/relay.sock
  $ falco-alerts relay --listen-http 2801 --serve 0.0.0.0:5060 \\
      --serve-cert server.crt --serve-key server.key --serve-ca ca.crt
  # One store for a fleet: every host runs falco-alerts forward --to nats://nats:4222
  $ falco-alerts relay --from-nats nats://nats:4222 --store /var/lib/falco-alerts \\
      --retention 7d --max-store-bytes 2GiB --serve unix:///run/falco-alerts/relay.sock
  # The alert API on loopback; follow it: curl -N http://127.0.0.1:2803/api/v1/alerts/stream
  $ falco-alerts relay --listen-http 2801 --store /var/lib/falco-alerts --serve-http 2803
  $ falco-alerts relay --listen-http 2801 --store /var/lib/falco-alerts \\
      --serve-http 0.0.0.0:2803 --serve-http-cert api.crt --serve-http-key api.key \\
      --api-token-file /etc/falco-alerts/api-token`,
  );
  command.action(async (flags: RelayFlags) => {
    const run = startRun();
    const serve = flags.serve ?? [];
    let inputs: AlertInputs | undefined;
    let store: ReturnType<typeof openStoreFromFlags>;
    let failure: unknown;
    try {
      const httpApi = serveHttpOptions(flags);
      if (serve.length === 0 && !httpApi) {
        throw new UsageError(
          "give at least one --serve ENDPOINT, e.g. --serve unix:///run/falco/falco.sock, " +
            "or --store DIR --serve-http PORT",
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
      const natsInputs = (flags.fromNats?.length ?? 0) > 0;
      const wait = flags.wait ?? (grpcInputs || !httpInputs ? true : undefined);
      // The store before any input: an unusable --store takes no alert from anywhere.
      store = openStoreFromFlags(flags);
      // Only --from-nats: no local Falco (the default input) is read.
      inputs =
        natsInputs && !grpcInputs && !httpInputs
          ? NO_LOCAL_INPUTS
          : await openAlertInputs({ ...flags, wait }, { handOff: store !== undefined });
      // Fleet alerts are acknowledged to JetStream once stored (the relay exists by then).
      let whenStored: (() => Promise<void>) | undefined;
      const fleet = fleetSources(flags, store && (() => whenStored?.() ?? Promise.resolve()));
      const relay = createAlertRelay({
        sources: [...inputs.inputs.filter((input) => !input.handOffTo).map(sourceOf), ...fleet],
        ...(flags.maxQueued !== undefined && { maxQueued: flags.maxQueued }),
        // The journal lives in the store's directory (the store ignores other files there, and
        // its lock, alerts.lock, also guards the journal): one directory to back up or move.
        ...(store && { store, intakeJournal: join(flags.store ?? ".", INTAKE_JOURNAL_FILE) }),
      });
      for (const input of inputs.inputs) input.handOffTo?.(relay.intake(input.name));
      whenStored = () => relay.whenStored();
      const replayed = journalReplayLine(flags.store ?? "", relay.stats().store?.journal);
      if (replayed) process.stderr.write(`falco-alerts: ${replayed}\n`);
      const opened = inputs;
      const printStats = () => {
        const loss = lossCounts(opened);
        let storeStats: unknown;
        try {
          storeStats = relay.store?.stats();
        } catch (error) {
          storeStats = { error: describeError(error) };
        }
        const stats = {
          ...relay.stats(),
          inputLosses: loss,
          ...(storeStats !== undefined && { storeContents: storeStats }),
        };
        process.stderr.write(`falco-alerts: stats ${JSON.stringify(stats)}\n`);
        process.stderr.write(`falco-alerts: ${formatLoss(loss)}\n`);
      };
      process.on("SIGUSR1", printStats);
      (async () => {
        for await (const event of relay.status()) {
          const line = relayStatusLine(event, flags.store ?? "");
          if (line) process.stderr.write(`falco-alerts: ${line}\n`);
        }
      })().catch(() => {});
      let api: Awaited<ReturnType<typeof startServeHttp>>;
      try {
        for (const listen of listens) {
          const { endpoint } = await relay.listen(listen);
          process.stdout.write(`falco-alerts: serving Falco's gRPC API on ${endpoint}\n`);
        }
        api = await startServeHttp(httpApi, store, () => ({ relay: relay.stats() }));
        if (api) {
          process.stdout.write(
            `falco-alerts: serving the alert API on ${api.url} (follow: ${api.url}/api/v1/alerts/stream)\n`,
          );
        }
        if (!run.signal.aborted) {
          await new Promise((resolve) => run.signal.addEventListener("abort", resolve));
        }
      } finally {
        process.off("SIGUSR1", printStats);
        await api?.close();
        await relay.close();
      }
    } catch (error) {
      failure = error;
    } finally {
      await inputs?.close();
      store?.close();
    }
    const code = finish(run, failure, inputs?.report.connected() ?? false, flags.verbose);
    // A daemon stopped by SIGINT or SIGTERM exits 0 once every stream is closed.
    process.exitCode = code === EXIT.interrupted ? EXIT.ok : code;
  });
}
