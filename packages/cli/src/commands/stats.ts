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
import { type RuleStats, RuleStatsTable } from "../rule-stats.js";
import { finish, reportStatus, startRun } from "../run-command.js";
import { paint, paintPriority, useColor } from "../style.js";

function renderTable(table: RuleStatsTable, color: boolean, limit: number): string {
  const rows = table.rows().slice(0, limit);
  const ruleWidth = Math.min(48, Math.max(4, ...rows.map((r) => r.rule.length)));
  const line = (r: RuleStats) =>
    [
      String(r.count).padStart(7),
      paintPriority(color, r.priority, r.priority.padEnd(13)),
      r.rule.slice(0, ruleWidth).padEnd(ruleWidth),
      r.lastSeen.toISOString().slice(0, 19).replace("T", " "),
      [...r.hosts].slice(0, 3).join(",") + (r.hosts.size > 3 ? `,+${r.hosts.size - 3}` : ""),
    ].join("  ");
  const header = paint(
    color,
    "bold",
    ["  COUNT", "PRIORITY     ", "RULE".padEnd(ruleWidth), "LAST SEEN (UTC)    ", "HOSTS"].join(
      "  ",
    ),
  );
  return [header, ...rows.map(line), `${table.total} alerts, ${table.rows().length} rules`].join(
    "\n",
  );
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
    .option("--top <n>", "rows to show", positiveNumber("--top"), 20);
  addFilterOptions(command);
  addConnectionOptions(command);
  command.addHelpText(
    "after",
    `
On a terminal the table refreshes in place; otherwise it is printed once, at exit
(after --duration, or on Ctrl-C / SIGTERM).

Examples:
  $ falco-alerts stats                     # find the noisiest rules to tune
  $ falco-alerts stats --duration 60 > noisy-rules.txt`,
  );
  command.action(
    async (flags: ConnectionFlags & FilterFlags & { duration?: number; top: number }) => {
      const run = startRun(flags.duration);
      const client = clientFromFlags(flags);
      const connected = reportStatus(client, false);
      const table = new RuleStatsTable();
      const live = process.stdout.isTTY === true;
      const color = useColor(process.stdout);
      let dirty = true;
      const draw = () => {
        if (!dirty) return;
        dirty = false;
        process.stdout.write(`\x1b[H\x1b[2J${renderTable(table, color, flags.top)}\n`);
      };
      const refresh = live ? setInterval(draw, 500) : undefined;
      let failure: unknown;
      try {
        for await (const alert of client.subscribe({
          ...filterFromFlags(flags),
          signal: run.signal,
        })) {
          table.add(alert);
          dirty = true;
        }
      } catch (error) {
        failure = error;
      } finally {
        clearInterval(refresh);
        await client.close();
      }
      if (live) {
        dirty = true;
        draw();
      } else {
        process.stdout.write(`${renderTable(table, false, flags.top)}\n`);
      }
      process.exitCode = finish(run, failure, connected());
    },
  );
}
