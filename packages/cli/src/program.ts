import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { registerForward } from "./commands/forward.js";
import { registerGet } from "./commands/get.js";
import { registerMetrics } from "./commands/metrics.js";
import { registerNoise } from "./commands/noise.js";
import { registerRelay } from "./commands/relay.js";
import { registerServe } from "./commands/serve.js";
import { registerStats } from "./commands/stats.js";
import { registerTail } from "./commands/tail.js";
import { registerUi } from "./commands/ui.js";
import { registerVersion } from "./commands/version.js";
import { EXIT, EXIT_STATUS_HELP } from "./exit-codes.js";

function packageVersion(): string {
  const path = fileURLToPath(new URL("../package.json", import.meta.url));
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

/** The falco-alerts command line. */
export function createProgram(): Command {
  const program = new Command("falco-alerts")
    .description("Read Falco's security alerts: tail them, count them, or serve test alerts")
    .version(packageVersion(), "-V, --version", "print the version of falco-alerts")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride();
  registerTail(program);
  registerGet(program);
  registerVersion(program);
  registerStats(program);
  registerMetrics(program);
  registerServe(program);
  registerNoise(program);
  registerRelay(program);
  registerForward(program);
  registerUi(program);
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
      // --help and --version exit 0; a missing command (help on stderr) and bad flags are usage errors.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
}
