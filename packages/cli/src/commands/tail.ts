import { formatAlertJson } from "@falco-sdk/core";
import type { Command } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import { AlertSummary } from "../alert-summary.js";
import {
  addFilterOptions,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { type FleetFlags, openFleetInput, parseSince } from "../fleet-input.js";
import { formatAlertLine } from "../format-alert.js";
import { lossCounts } from "../loss-report.js";
import { addNatsOptions } from "../nats-flags.js";
import { finish, startRun } from "../run-command.js";
import { useColor } from "../style.js";

interface TailFlags extends InputFlags, FilterFlags, Omit<FleetFlags, keyof InputFlags> {
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
      "--since <time>",
      "with --nats: all, now (default), an RFC 3339 time, or a duration ago (15m, 2h, 7d)",
      parseSince,
    )
    .option(
      "--host <hostname>",
      "with --nats: only alerts of this host (repeatable)",
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

Connection problems are reported on stderr; "alerts may have been lost" marks a
disconnection while alerts were in flight.`,
  );
  command.action(async (flags: TailFlags) => {
    const run = startRun(flags.duration);
    let source: AlertInputs;
    try {
      source = flags.nats ? openFleetInput(flags) : await openAlertInputs(flags);
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
      process.stderr.write(`${counts.format(lossCounts(source))}\n`);
    }
    process.exitCode = finish(run, failure, source.report.connected(), flags.verbose);
  });
}
