import type { FalcoClient } from "@falco-sdk/client";
import { formatAlertJson } from "@falco-sdk/core";
import type { Command } from "commander";
import {
  addConnectionOptions,
  addFilterOptions,
  type ConnectionFlags,
  clientFromFlags,
  type FilterFlags,
  filterFromFlags,
} from "../connection-options.js";
import { formatAlertLine } from "../format-alert.js";
import { finish, startRun } from "../run-command.js";
import { useColor } from "../use-color.js";

export function registerGet(program: Command): void {
  const command = program
    .command("get")
    .description("print the alerts queued in Falco now (its backlog), then exit")
    .option("-j, --json", "one JSON object per line, in Falco's own json_output shape");
  addFilterOptions(command);
  addConnectionOptions(command);
  command.addHelpText(
    "after",
    `
Falco's queue is shared and destructive: alerts printed here are gone for other readers.

Examples:
  $ falco-alerts get --json > backlog.jsonl
  $ falco-alerts get --min-priority error`,
  );
  command.action(async (flags: ConnectionFlags & FilterFlags & { json?: boolean }) => {
    const run = startRun();
    let client: FalcoClient | undefined;
    const color = useColor(process.stdout);
    let failure: unknown;
    let received = false;
    try {
      // Inside the try: a bad setting (endpoint, TLS file) exits as from every command.
      client = clientFromFlags(flags);
      for await (const alert of client.get({ ...filterFromFlags(flags), signal: run.signal })) {
        received = true;
        process.stdout.write(
          `${flags.json ? formatAlertJson(alert) : formatAlertLine(alert, color)}\n`,
        );
      }
    } catch (error) {
      failure = error;
    } finally {
      await client?.close();
    }
    process.exitCode = finish(run, failure, received, flags.verbose);
  });
}
