import { paint } from "@falco-sdk/noise/internal";
import type { Command } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import {
  addFilterOptions,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { createLiveScreen } from "../live-screen.js";
import { formatLoss, lossCounts, rejectedTotal } from "../loss-report.js";
import { RuleStatsTable } from "../rule-stats.js";
import { finish, startRun } from "../run-command.js";
import { renderStatsTable } from "../stats-table.js";
import { useColor } from "../use-color.js";

interface StatsFlags extends InputFlags, FilterFlags {
  duration?: number;
  top: number;
  refresh: number;
}

export function registerStats(program: Command): void {
  const command = program
    .command("stats")
    .description("live table of alerts by rule: count, priority, last seen, hosts")
    .option(
      "-d, --duration <seconds>",
      "exit after this many seconds",
      positiveNumber("--duration"),
    )
    .option("--top <n>", "rows to show", positiveNumber("--top"), 20)
    .option(
      "--refresh <ms>",
      "on a terminal, redraw at most this often",
      positiveNumber("--refresh"),
      250,
    );
  addFilterOptions(command);
  addInputOptions(command);
  command.addHelpText(
    "after",
    `
On a terminal the table refreshes in place; otherwise it is printed once, at exit
(after --duration, on Ctrl-C / SIGTERM, or when the stream fails).

Examples:
  $ falco-alerts stats                     # find the noisiest rules to tune
  $ falco-alerts stats --duration 60 > noisy-rules.txt
  $ falco-alerts stats --min-priority warning --source syscall --top 10`,
  );
  command.action(async (flags: StatsFlags) => {
    const run = startRun(flags.duration);
    const live = process.stdout.isTTY === true;
    const table = new RuleStatsTable();
    const color = useColor(process.stdout);
    // On a terminal, connection status is the table's last line (stderr lines would shift it).
    let status = "";
    let ruleWidth = 0;
    const render = () => {
      // The rule column only grows, so a live table does not jump.
      for (const row of table.rows().slice(0, flags.top)) {
        ruleWidth = Math.min(48, Math.max(ruleWidth, row.rule.length));
      }
      const lines = renderStatsTable(table, { color, limit: flags.top, minRuleWidth: ruleWidth });
      return status ? [...lines, status] : lines;
    };
    const screen = live
      ? createLiveScreen({ stream: process.stdout, render, intervalMs: flags.refresh })
      : undefined;
    let source: AlertInputs;
    try {
      source = await openAlertInputs(flags, {
        ...(screen && {
          say: (text: string, warning: boolean) => {
            status = paint(color, warning ? "yellow" : "dim", text);
            screen.invalidate();
          },
        }),
      });
    } catch (error) {
      screen?.stop();
      process.exitCode = finish(run, error, false, flags.verbose);
      return;
    }
    const report = source.report;
    let failure: unknown;
    try {
      for await (const alert of source.alerts({
        ...filterFromFlags(flags),
        signal: run.signal,
      })) {
        table.add(alert);
        screen?.invalidate();
      }
    } catch (error) {
      failure = error;
    } finally {
      await source.close();
    }
    if (screen) screen.stop();
    else if (report.connected() || failure === undefined) {
      process.stdout.write(`${render().join("\n")}\n`);
    }
    // What the counts may miss, after the table: disconnections, drops, refused requests.
    const loss = lossCounts(source);
    if (loss.possibleLosses + loss.dropped + rejectedTotal(loss) > 0) {
      process.stderr.write(`falco-alerts: ${formatLoss(loss)}\n`);
    }
    process.exitCode = finish(run, failure, report.connected(), flags.verbose);
  });
}
