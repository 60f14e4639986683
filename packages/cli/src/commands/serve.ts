import type { Command } from "commander";
import { integer, portNumber, positiveNumber } from "../connection-options.js";
import { describeError, exitCodeFor } from "../exit-codes.js";
import type { ServeFlags } from "../serve-server.js";
import { isTestingMissing, TestingNotInstalledError } from "../testing-not-installed.js";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "run a Falco-compatible gRPC server emitting realistic alerts (for demos and tests)",
    )
    .option("--socket <path>", "listen on this unix socket (plaintext, like Falco's default)")
    .option("--port <port>", "listen on TCP with mutual TLS (0: any free port)", portNumber)
    .option("--host <host>", "TCP address to bind", "127.0.0.1")
    .option("--ca <file>", "CA that client certificates must chain to (Falco's root_certs)")
    .option("--cert <file>", "server certificate (Falco's cert_chain)")
    .option("--key <file>", "server private key (Falco's private_key)")
    .option(
      "--generate-certs <dir>",
      "write a throwaway CA, server and client certificates here and use them",
    )
    .option("--rate <n>", "alerts per second", positiveNumber("--rate"), 10)
    .option("--seed <n>", "seed of the alert sequence (same seed, same alerts)", integer, 1)
    .option("-v, --verbose", "stack traces on errors")
    .addHelpText(
      "after",
      `
The server behaves like Falco's gRPC output: one shared queue, alerts wait until a
client polls, each alert goes to one client.

Examples:
  $ falco-alerts serve --socket /tmp/falco.sock --rate 20
  $ falco-alerts serve --port 5060 --generate-certs ./certs`,
    )
    .action(async (flags: ServeFlags) => {
      // Lazy: only serve needs @falco-sdk/testing (gRPC server, PKI, interop files), an
      // optional peer dependency: without it, say how to install it.
      let serve: typeof import("../serve-server.js");
      try {
        serve = await import("../serve-server.js");
      } catch (error) {
        if (!isTestingMissing(error)) throw error;
        const missing = new TestingNotInstalledError("serve", { cause: error });
        process.stderr.write(`falco-alerts: ${describeError(missing, flags.verbose)}\n`);
        process.exitCode = exitCodeFor(missing, false);
        return;
      }
      await serve.runServe(flags);
    });
}
