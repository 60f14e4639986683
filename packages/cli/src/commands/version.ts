import type { FalcoClient } from "@falco-sdk/client";
import type { Command } from "commander";
import {
  addConnectionOptions,
  type ConnectionFlags,
  clientFromFlags,
} from "../connection-options.js";
import { finish, startRun } from "../run-command.js";

export function registerVersion(program: Command): void {
  const command = program
    .command("version")
    .description("print Falco's and its rule engine's versions, and what the server supports")
    .option("-j, --json", "print every field as JSON");
  addConnectionOptions(command);
  command.addHelpText(
    "after",
    "\nExample:\n  $ falco-alerts version -e unix:///run/falco/falco.sock",
  );
  command.action(async (flags: ConnectionFlags & { json?: boolean }) => {
    const run = startRun();
    let client: FalcoClient | undefined;
    let failure: unknown;
    try {
      // Inside the try: a bad setting (endpoint, TLS file) exits as from every command.
      client = clientFromFlags(flags);
      const v = await client.version({ signal: run.signal });
      if (flags.json) {
        const { raw: _raw, ...fields } = v;
        process.stdout.write(`${JSON.stringify(fields)}\n`);
      } else {
        const yesNo = (b: boolean) => (b ? "yes" : "no");
        const lines = [
          ["Falco", v.version],
          ["Rule engine", v.engineVersion],
          ["Fields checksum", v.engineFieldsChecksum || "-"],
          ["Source names in alerts (>= 0.31)", yesNo(v.supports.sourceField)],
          ["Engine semver (>= 0.37)", yesNo(v.supports.engineSemver)],
          ["gRPC output (< 0.44)", yesNo(v.supports.grpcOutput)],
        ];
        const width = Math.max(...lines.map(([label]) => (label ?? "").length)) + 1;
        process.stdout.write(
          lines.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`).join("\n"),
        );
        process.stdout.write("\n");
      }
    } catch (error) {
      failure = error;
    } finally {
      await client?.close();
    }
    process.exitCode = finish(run, failure, false, flags.verbose);
  });
}
