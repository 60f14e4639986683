import { Command, CommanderError } from "commander";
import { registerGet } from "./commands/get.js";
import { registerServe } from "./commands/serve.js";
import { registerStats } from "./commands/stats.js";
import { registerTail } from "./commands/tail.js";
import { registerVersion } from "./commands/version.js";
import { EXIT, EXIT_STATUS_HELP } from "./exit-codes.js";

/** The falco-alerts command line. */
export function createProgram(): Command {
  const program = new Command("falco-alerts")
    .description("Read Falco's security alerts: tail them, count them, or serve test alerts")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  registerTail(program);
  registerGet(program);
  registerVersion(program);
  registerStats(program);
  registerServe(program);
  program.addHelpText(
    "after",
    `
Examples:
  $ falco-alerts serve --socket /tmp/falco.sock &
  $ falco-alerts tail -e unix:///tmp/falco.sock --min-priority warning
  $ falco-alerts <command> --help`,
  );
  program.addHelpText("afterAll", EXIT_STATUS_HELP);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the command line; resolves with the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) {
      const quiet = ["commander.helpDisplayed", "commander.version", "commander.help"];
      return quiet.includes(error.code) ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
}
