import { createNatsForwarder, type ForwarderStatus, type NatsForwarder } from "@falco-sdk/nats";
import type { Command } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import { byteSize } from "../byte-size.js";
import { integer, positiveNumber } from "../connection-options.js";
import { UsageError } from "../exit-codes.js";
import { formatLoss, lossCounts } from "../loss-report.js";
import {
  addNatsOptions,
  type NatsFlags,
  natsConnectionFromFlags,
  natsServers,
} from "../nats-flags.js";
import { plural } from "../plural.js";
import { finish, startRun } from "../run-command.js";
import { defaultSpoolDirectory } from "../state-directory.js";

interface ForwardFlags extends InputFlags, NatsFlags {
  to?: string[];
  replicas?: number;
  maxBacklog?: number;
  waitNats?: boolean;
  /** A directory, false for --no-spool, undefined for the default directory. */
  spool?: string | false;
  spoolMaxBytes?: number;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

function reportForwarder(
  forwarder: NatsForwarder,
  verbose: boolean,
  spool: string | undefined,
): void {
  const say = (text: string) => process.stderr.write(`falco-alerts: ${text}\n`);
  let connected = false;
  (async () => {
    for await (const event of forwarder.status() as AsyncIterable<ForwarderStatus>) {
      if (event.type === "ready") {
        const via = spool
          ? ` (spool: ${spool})`
          : " (no spool: alerts in memory are lost on a crash)";
        say(`forwarding into stream ${event.stream} on NATS at ${event.server}${via}`);
      } else if (event.type === "spool-opened" && event.unpublished > 0) {
        say(
          `${plural(event.unpublished, "alert")} left unpublished in the spool by an earlier forward: publishing them first`,
        );
      } else if (event.type === "connected") {
        if (connected || verbose) say(`connected to NATS at ${event.server}`);
        connected = true;
      } else if (event.type === "disconnected") {
        const where = spool ? "in the spool" : "in the backlog";
        say(`NATS connection lost (${event.server}): keeping alerts ${where}`);
      } else if (event.type === "publish-failed" && verbose) {
        say(`publish failed, retrying in ${event.delayMs} ms: ${event.error.message}`);
      } else if (event.type === "dropping") {
        say(
          `backlog full (${plural(event.capacity, "alert")}): dropping the oldest until NATS keeps up`,
        );
      } else if (event.type === "dropped" && spool) {
        say(
          `spool full (--spool-max-bytes): ${plural(event.count, "alert")} removed before they ` +
            `were published, possibly lost (${event.total} in all)`,
        );
      } else if (event.type === "dropped") {
        say(`${plural(event.count, "alert")} dropped (${event.total} in all)`);
      } else if (event.type === "rejected") {
        say(event.error.message);
      }
    }
  })().catch(() => {});
}

export function registerForward(program: Command): void {
  const command = program
    .command("forward")
    .description("forward alerts into a NATS JetStream stream (one stream for a fleet of Falcos)")
    .option(
      "--to <url>",
      "NATS server: nats://HOST:PORT (repeatable or comma-separated for a cluster; env NATS_URL)",
      collect,
    )
    .option("--replicas <n>", "replicas of the stream when it is created (default 1)", integer)
    .option(
      "--max-backlog <n>",
      "with --no-spool: alerts kept in memory while NATS is unreachable; the oldest are dropped beyond (default 10000)",
      positiveNumber("--max-backlog"),
    )
    .option("--wait-nats", "start even when NATS is not up yet, buffering alerts")
    .option(
      "--spool <dir>",
      "keep alerts on disk until JetStream acks them (default: $XDG_STATE_HOME/falco-alerts/forward-spool/<stream>, else ~/.local/state/...)",
    )
    .option("--no-spool", "keep alerts in memory only: those not yet acked are lost on a crash")
    .option(
      "--spool-max-bytes <size>",
      "the most the spool uses on disk; beyond, its oldest unpublished alerts are dropped and reported (default 512M)",
      byteSize("--spool-max-bytes"),
    );
  addNatsOptions(command);
  addInputOptions(command);
  command.addHelpText(
    "after",
    `
Examples:
  $ falco-alerts forward --to nats://nats.example:4222                # the local Falco socket
  $ falco-alerts forward --listen-http 2801 --to nats://127.0.0.1:4222 --nats-token "$T"
  $ falco-alerts forward --from unix:///run/falco/falco.sock \\
      --to nats://n1:4222,nats://n2:4222,nats://n3:4222 --replicas 3

Each alert read from Falco is written to the spool (on disk) before anything else; a forwarder
restarted on the same --spool publishes what the last one had not. Each alert is published as
Falco's JSON alert to falco.alerts.<hostname>.<source>.<priority>
with a Nats-Msg-Id derived from the alert, and waits for JetStream's ack. Read the
stream back with: falco-alerts tail --nats nats://HOST:PORT [--durable NAME].`,
  );
  command.action(async (flags: ForwardFlags) => {
    const run = startRun();
    let inputs: AlertInputs | undefined;
    let forwarder: NatsForwarder | undefined;
    let failure: unknown;
    let connected = false;
    let spool: string | undefined;
    try {
      if (flags.spool !== false && flags.maxBacklog !== undefined) {
        throw new UsageError(
          "--max-backlog bounds the backlog in memory (--no-spool); the spool is bounded by --spool-max-bytes",
        );
      }
      if (flags.spool === false && flags.spoolMaxBytes !== undefined) {
        throw new UsageError("--spool-max-bytes bounds the spool: leave it out with --no-spool");
      }
      const servers = natsServers(flags.to ?? process.env.NATS_URL, "--to");
      spool =
        flags.spool === false
          ? undefined
          : (flags.spool ?? defaultSpoolDirectory(flags.stream ?? "FALCO_ALERTS"));
      forwarder = createNatsForwarder({
        ...natsConnectionFromFlags(servers, flags),
        ...(flags.subjectPrefix !== undefined && { subjectPrefix: flags.subjectPrefix }),
        stream: {
          ...(flags.stream !== undefined && { name: flags.stream }),
          ...(flags.replicas !== undefined && { replicas: flags.replicas }),
        },
        ...(flags.maxBacklog !== undefined && { maxBacklog: flags.maxBacklog }),
        waitForServer: flags.waitNats ?? false,
        ...(spool !== undefined && {
          spool: {
            directory: spool,
            ...(flags.spoolMaxBytes !== undefined && { maxBytes: flags.spoolMaxBytes }),
          },
        }),
      });
      reportForwarder(forwarder, flags.verbose ?? false, spool);
      inputs = await openAlertInputs(flags);
      const ready = forwarder;
      void (async () => {
        for await (const e of ready.status()) if (e.type === "connected") connected = true;
      })();
      await forwarder.forward(inputs.alerts({ signal: run.signal }), { signal: run.signal });
    } catch (error) {
      failure = error;
    } finally {
      await inputs?.close();
      await forwarder?.close();
    }
    // The summary, unless the command failed before forwarding anything.
    if (forwarder && (failure === undefined || forwarder.stats().received > 0)) {
      const s = forwarder.stats();
      process.stderr.write(
        `falco-alerts: forwarded ${plural(s.published, "alert")} (${s.duplicates} already in the stream), ` +
          `dropped ${s.dropped}, rejected ${s.rejected}, unsent ${s.backlog}` +
          (spool && s.backlog > 0 ? ` (kept in ${spool}: published by the next forward)` : "") +
          "\n",
      );
      if (inputs) process.stderr.write(`falco-alerts: ${formatLoss(lossCounts(inputs))}\n`);
    }
    process.exitCode = finish(run, failure, connected, flags.verbose);
  });
}
