import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createAlertRelay } from "@falco-sdk/relay";
import { createAlertUiServer, isLoopbackHost, UI_FACET_FIELDS } from "@falco-sdk/ui";
import { type Command, InvalidArgumentError } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import { describeError, EXIT, UsageError } from "../exit-codes.js";
import { parseSince } from "../fleet-input.js";
import { parseListenAddress } from "../listen-address.js";
import { loadFile } from "../load-file.js";
import { addNatsOptions } from "../nats-flags.js";
import { type FleetSourceFlags, fleetSources } from "../relay-fleet-sources.js";
import { NO_LOCAL_INPUTS, sourceOf } from "../relay-local-sources.js";
import { finish, startRun } from "../run-command.js";
import {
  INTAKE_JOURNAL_FILE,
  journalReplayLine,
  openStoreFromFlags,
  parseByteSize,
  parseRetention,
  type StoreFlags,
  storeFailureLine,
} from "../store-flags.js";
import { defaultUiStore } from "../ui-state-dir.js";

interface UiFlags extends Omit<InputFlags, "listen">, StoreFlags, FleetSourceFlags {
  /** The page's address (not an input: the HTTP input is --listen-http). */
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** The durable consumer of `ui --from-nats` (its own: a relay on the same NATS keeps its own). */
const DEFAULT_UI_DURABLE = "falco-alerts-ui";
const collect = (value: string, previous: string[] = []) => [...previous, value];

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError("a positive integer");
  return n;
}

export function registerUi(program: Command): void {
  const command = program
    .command("ui")
    .description(
      "see alerts live in a browser: store what Falco sends and serve a web view of the store",
    )
    .option(
      "--listen <[host:]port>",
      "serve the page here (default 127.0.0.1:2802; a host other than loopback needs --tls-cert; " +
        "the HTTP input is --listen-http)",
    )
    .option("--tls-cert <file>", "serve HTTPS with this certificate (PEM)")
    .option("--tls-key <file>", "private key of --tls-cert")
    .option(
      "--store <dir>",
      "the alert store (created when missing; default $XDG_STATE_HOME/falco-alerts/store, " +
        "i.e. ~/.local/state/falco-alerts/store)",
    )
    .option(
      "--retention <duration>",
      "remove alerts older than this: 90s, 15m, 24h, 7d",
      parseRetention,
    )
    .option(
      "--max-store-bytes <size>",
      "remove the oldest alerts beyond this size: 500MB, 2GiB",
      parseByteSize,
    )
    .option("--max-store-alerts <n>", "keep at most this many alerts", positiveInteger)
    .option(
      "--from-nats <url>",
      "read the fleet's stream (falco-alerts forward --to) from this NATS JetStream (repeatable)",
      collect,
    )
    .option(
      "--nats-durable <name>",
      `--from-nats: durable consumer (default ${DEFAULT_UI_DURABLE})`,
    )
    .option(
      "--nats-since <when>",
      "--from-nats: where a new durable starts: all (default), now, 15m",
      parseSince,
    );
  addInputOptions(command, { listenAlias: false });
  addNatsOptions(command);
  command.addHelpText(
    "after",
    `
Alerts are stored (--store) as they arrive and the page shows them live; as with
relay --store, an http_output post is written to the store directory's intake
journal before Falco gets its answer, so a kill -9 loses none. At start
it prints the address and a login link that works once, within an hour: its token
is stored hashed in the store directory; the browser then holds an HttpOnly,
SameSite=Strict session cookie. There is no password and no default account.

Examples:
  $ falco-alerts ui                                   # local Falco's gRPC socket
  $ falco-alerts ui --listen-http 2801 --retention 7d # Falco >= 0.44 http_output
  $ falco-alerts ui --from-nats nats://nats:4222 --listen 0.0.0.0:2802 \\
      --tls-cert ui.crt --tls-key ui.key`,
  );
  command.action(async (flags: UiFlags) => {
    const run = startRun();
    let inputs: AlertInputs | undefined;
    let store: ReturnType<typeof openStoreFromFlags>;
    let failure: unknown;
    try {
      const { host, port } = parseListenAddress("--listen", flags.listen ?? "127.0.0.1:2802");
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined))
        throw new UsageError("HTTPS needs both --tls-cert and --tls-key");
      const tls =
        flags.tlsCert && flags.tlsKey
          ? {
              cert: loadFile("--tls-cert", flags.tlsCert),
              key: loadFile("--tls-key", flags.tlsKey),
            }
          : undefined;
      if (!tls && !isLoopbackHost(host)) {
        throw new UsageError(
          `--listen ${host}:${port} is reachable from other machines: give --tls-cert and ` +
            "--tls-key (the login link and the session cookie must not cross the network in " +
            "clear), or serve on 127.0.0.1",
        );
      }
      const directory = flags.store ?? defaultUiStore();
      if (flags.store === undefined) mkdirSync(directory, { recursive: true, mode: 0o700 });
      // Counts of the page's facet fields, so that its facets do not read every alert.
      store = openStoreFromFlags({ ...flags, store: directory }, UI_FACET_FIELDS);
      if (!store) throw new Error("no store");
      const grpcInputs = (flags.from?.length ?? 0) + (flags.endpoint?.length ?? 0) > 0;
      const httpInputs = (flags.listenHttp?.length ?? 0) > 0;
      const natsInputs = (flags.fromNats?.length ?? 0) > 0;
      const wait = flags.wait ?? (grpcInputs || !httpInputs ? true : undefined);
      // As relay --store: http_output posts are journaled before Falco gets its answer, fleet
      // alerts acknowledged once stored.
      inputs =
        natsInputs && !grpcInputs && !httpInputs
          ? NO_LOCAL_INPUTS
          : await openAlertInputs({ ...flags, listen: undefined, wait }, { handOff: true });
      let whenStored: (() => Promise<void>) | undefined;
      const stored = () => whenStored?.() ?? Promise.resolve();
      const relay = createAlertRelay({
        sources: [
          ...inputs.inputs.filter((input) => !input.handOffTo).map(sourceOf),
          ...(natsInputs
            ? fleetSources(
                { ...flags, natsDurable: flags.natsDurable ?? DEFAULT_UI_DURABLE },
                stored,
              )
            : fleetSources(flags)),
        ],
        store,
        intakeJournal: join(directory, INTAKE_JOURNAL_FILE),
      });
      for (const input of inputs.inputs) input.handOffTo?.(relay.intake(input.name));
      whenStored = () => relay.whenStored();
      const replayed = journalReplayLine(directory, relay.stats().store?.journal);
      if (replayed) process.stderr.write(`falco-alerts: ${replayed}\n`);
      (async () => {
        for await (const event of relay.status()) {
          if (event.type === "store-failed")
            process.stderr.write(
              `falco-alerts: ${storeFailureLine(directory, event.error, event.notStored)}\n`,
            );
          else if (event.type === "source-ended" && event.error !== undefined)
            process.stderr.write(
              `falco-alerts: input ${event.source} stopped: ${describeError(event.error)}\n`,
            );
        }
      })().catch(() => {});
      try {
        const server = await createAlertUiServer({
          store,
          directory,
          host,
          port,
          ...(tls && { tls }),
          extraStats: () => ({ relay: relay.stats() }),
        }).catch((error: unknown) => {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === "EADDRINUSE")
            throw new UsageError(`--listen ${host}:${port} is in use: give another --listen`);
          throw error;
        });
        process.stdout.write(`falco-alerts: the alert view is on ${server.url}\n`);
        process.stdout.write(
          `falco-alerts: log in with this link (it works once, within 1 hour): ${server.loginUrl()}\n`,
        );
        try {
          if (!run.signal.aborted)
            await new Promise((resolve) => run.signal.addEventListener("abort", resolve));
        } finally {
          await server.close();
        }
      } finally {
        await relay.close();
      }
    } catch (error) {
      failure = error;
    } finally {
      await inputs?.close();
      store?.close();
    }
    const code = finish(run, failure, inputs?.report.connected() ?? false, flags.verbose);
    process.exitCode = code === EXIT.interrupted ? EXIT.ok : code;
  });
}
