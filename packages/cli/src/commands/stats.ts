import type { Command } from "commander";
import {
  addConnectionOptions,
  addFilterOptions,
  type ConnectionFlags,
  clientFromFlags,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { createLiveScreen } from "../live-screen.js";
import { RuleStatsTable } from "../rule-stats.js";
import { finish, reportStatus, startRun } from "../run-command.js";
import { renderStatsTable } from "../stats-table.js";
import { useColor } from "../style.js";

interface StatsFlags extends ConnectionFlags, FilterFlags {
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
  addConnectionOptions(command);
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
    const client = clientFromFlags(flags);
    const live = process.stdout.isTTY === true;
    // On a terminal the table redraws over status lines: keep those for --verbose.
    const report = reportStatus(client.status(), {
      verbose: flags.verbose ?? (live ? false : undefined),
    });
    const table = new RuleStatsTable();
    const color = useColor(process.stdout);
    const render = () => renderStatsTable(table, { color, limit: flags.top });
    const screen = live
      ? createLiveScreen({ stream: process.stdout, render, intervalMs: flags.refresh })
      : undefined;
    let failure: unknown;
    try {
      for await (const alert of client.subscribe({
        ...filterFromFlags(flags),
        signal: run.signal,
      })) {
        table.add(alert);
        screen?.invalidate();
      }
    } catch (error) {
      failure = error;
    } finally {
      await client.close();
    }
    if (screen) screen.stop();
    else if (report.connected() || failure === undefined) {
      process.stdout.write(`${render().join("\n")}\n`);
    }
    process.exitCode = finish(run, failure, report.connected(), flags.verbose);
  });
}
