import { formatAlertJson } from "@falco-sdk/core";
import type { Command } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import { AlertSummary } from "../alert-summary.js";
import { type ApiFlags, type ApiInput, openApiInput } from "../api-input.js";
import {
  addFilterOptions,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { UsageError } from "../exit-codes.js";
import { type FleetFlags, openFleetInput, parseSince } from "../fleet-input.js";
import { formatAlertLine } from "../format-alert.js";
import { lossCounts } from "../loss-report.js";
import { addNatsOptions } from "../nats-flags.js";
import { finish, startRun } from "../run-command.js";
import { useColor } from "../use-color.js";

interface TailFlags
  extends InputFlags,
    FilterFlags,
    Omit<FleetFlags, keyof InputFlags>,
    Omit<ApiFlags, keyof InputFlags | keyof FleetFlags> {
  json?: boolean;
  count?: number;
  duration?: number;
  summary?: boolean;
}

export function registerTail(program: Command): void {
  const command = program
    .command("tail")
    .description("print live alerts as they happen")
    .option("-j, --json", "one JSON object per line, in Falco's own json_output shape")
    .option("-n, --count <n>", "exit after this many alerts", positiveNumber("--count"))
    .option(
      "-d, --duration <seconds>",
      "exit after this many seconds",
      positiveNumber("--duration"),
    )
    .option(
      "--summary",
      "print a summary on stderr at exit (alerts by priority, top rules, what may have been lost: disconnections, drops, refused requests)",
    );
  addFilterOptions(command);
  addInputOptions(command);
  command
    .option(
      "--nats <url>",
      "read the fleet's stream on NATS JetStream instead (written by falco-alerts forward; " +
        "repeatable or comma-separated)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--durable <name>", "with --nats: a durable consumer that resumes where it stopped")
    .option(
      "--api <url>",
      "read the stream of a falco-sdk alert API instead (falco-alerts relay --serve-http), " +
        "e.g. http://127.0.0.1:2803; reconnects after a drop without losing an alert",
    )
    .option(
      "--resume",
      "with --api: continue right after the last alert printed by the previous run, from a cursor " +
        "file kept in $XDG_STATE_HOME/falco-alerts/tail-cursors/ (else ~/.local/state/falco-alerts/...), one per URL",
    )
    .option("--cursor-file <path>", "with --api: --resume with this cursor file instead")
    .option(
      "--api-token-file <path>",
      "with --api: the API's bearer token, the first line of this file",
    )
    .option("--api-ca <file>", "with --api: CA of the API's https certificate")
    .option("--api-cert <file>", "with --api: client certificate, for mutual TLS")
    .option("--api-key <file>", "with --api: private key of --api-cert")
    .option(
      "--since <time>",
      "with --nats or --api: all, now (default), an RFC 3339 time, or a duration ago (15m, 2h, 7d); " +
        "with --resume, only until a cursor is kept",
      parseSince,
    )
    .option(
      "--host <hostname>",
      "with --nats or --api: only alerts of this host (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    );
  addNatsOptions(command);
  command.addHelpText(
    "after",
    `
Examples:
  $ falco-alerts tail                                  # the local Falco socket
  $ falco-alerts tail --min-priority warning --json | jq .rule
  $ falco-alerts tail -e localhost:5060 --ca ca.crt --cert client.crt --key client.key
  $ falco-alerts tail --rule "Terminal shell in container" --count 1
  $ falco-alerts tail --listen-http 2801   # Falco >= 0.44: http_output.url: http://127.0.0.1:2801/
  $ falco-alerts tail --from unix:///run/falco/falco.sock --listen-http 2801   # both, merged
  $ falco-alerts tail --nats nats://127.0.0.1:4222 --durable soc --since 1h  # the fleet's stream
  $ falco-alerts tail --api http://127.0.0.1:2803 --resume   # a relay's alert API, resumable

Connection problems are reported on stderr; "alerts may have been lost" marks a
disconnection while alerts were in flight.`,
  );
  command.action(async (flags: TailFlags) => {
    const run = startRun(flags.duration);
    let source: AlertInputs;
    let api: ApiInput | undefined;
    try {
      if (flags.api === undefined && (flags.resume || flags.cursorFile !== undefined)) {
        throw new UsageError("--resume and --cursor-file go with --api (the alert API's stream)");
      }
      if (flags.api !== undefined) source = api = openApiInput(flags);
      else source = flags.nats ? openFleetInput(flags) : await openAlertInputs(flags);
    } catch (error) {
      process.exitCode = finish(run, error, false, flags.verbose);
      return;
    }
    const color = useColor(process.stdout);
    const counts = new AlertSummary();
    let failure: unknown;
    try {
      const alerts = source.alerts({ ...filterFromFlags(flags), signal: run.signal });
      for await (const alert of alerts) {
        process.stdout.write(
          `${flags.json ? formatAlertJson(alert) : formatAlertLine(alert, color)}\n`,
        );
        counts.add(alert);
        if (flags.count !== undefined && counts.total >= flags.count) break;
      }
    } catch (error) {
      failure = error;
    } finally {
      await source.close();
    }
    if (flags.summary) {
      const loss = { ...lossCounts(source), removedByRetention: api?.removedByRetention() ?? 0 };
      process.stderr.write(`${counts.format(loss)}\n`);
    }
    process.exitCode = finish(run, failure, source.report.connected(), flags.verbose);
  });
}
