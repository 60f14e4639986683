import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigurationError } from "@falco-sdk/client";
import {
  type AlertInit,
  createAlertGenerator,
  createFalcoTestServer,
  createTestPki,
  type ListenOptions,
  writeTestPki,
} from "@falco-sdk/testing";
import type { Command } from "commander";
import { integer, portNumber, positiveNumber } from "../connection-options.js";
import { describeError, EXIT, UsageError } from "../exit-codes.js";
import { createEventClock, withEventTime } from "../live-time.js";
import { loadFile } from "../load-file.js";

interface ServeFlags {
  socket?: string;
  host: string;
  port?: number;
  ca?: string;
  cert?: string;
  key?: string;
  generateCerts?: string;
  rate: number;
  seed: number;
  verbose?: boolean;
}

async function listenOptions(
  flags: ServeFlags,
): Promise<{ listen: ListenOptions; hint: (endpoint: string) => string }> {
  if (flags.socket) {
    const path = resolve(flags.socket);
    return { listen: { socketPath: path }, hint: (endpoint) => `falco-alerts tail -e ${endpoint}` };
  }
  if (flags.port === undefined) throw new UsageError("give --socket <path> or --port <port>");
  if (flags.generateCerts) {
    const dir = resolve(flags.generateCerts);
    mkdirSync(dir, { recursive: true });
    const files = await writeTestPki(dir, await createTestPki());
    return {
      listen: { host: flags.host, port: flags.port, tls: files.pki.serverTls },
      hint: (endpoint) =>
        `falco-alerts tail -e ${endpoint} --ca ${files.caCert} ` +
        `--cert ${files.clientCert} --key ${files.clientKey} --server-name localhost`,
    };
  }
  if (!flags.ca || !flags.cert || !flags.key) {
    throw new UsageError(
      "TCP needs mutual TLS, like Falco: give --ca, --cert and --key, or --generate-certs <dir>",
    );
  }
  const tls = {
    ca: loadFile("--ca", flags.ca),
    cert: loadFile("--cert", flags.cert),
    key: loadFile("--key", flags.key),
  };
  return {
    listen: { host: flags.host, port: flags.port, tls },
    hint: (endpoint) =>
      `falco-alerts tail -e ${endpoint} --ca <ca> --cert <client.crt> --key <client.key>`,
  };
}

/**
 * connect-node logs a full stack on the server for every stream a client drops (e.g. when a
 * `tail --count 1` exits). For a demo server that is normal: one line with --verbose, else nothing.
 */
function quietClientDisconnects(verbose: boolean): void {
  const original = console.error;
  console.error = (...args: unknown[]) => {
    const [first, reason] = args;
    if (typeof first === "string" && first.startsWith("handler for rpc ")) {
      if (verbose) {
        const why = reason instanceof Error ? reason.message : String(reason);
        process.stderr.write(`falco-alerts serve: a client stream ended: ${why}\n`);
      }
      return;
    }
    original(...args);
  };
}

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
      let options: Awaited<ReturnType<typeof listenOptions>>;
      let server: Awaited<ReturnType<typeof createFalcoTestServer>>;
      try {
        options = await listenOptions(flags);
        server = await createFalcoTestServer({ listen: options.listen });
      } catch (error) {
        process.stderr.write(`falco-alerts: ${describeError(error, flags.verbose)}\n`);
        process.exitCode =
          error instanceof UsageError
            ? EXIT.usage
            : error instanceof ConfigurationError
              ? EXIT.connect
              : EXIT.error;
        return;
      }
      quietClientDisconnects(flags.verbose ?? false);
      process.stdout.write(
        `listening on ${server.endpoint}\nconnect with: ${options.hint(server.endpoint)}\n`,
      );
      const stop = new AbortController();
      let interrupted = false;
      process.once("SIGINT", () => {
        interrupted = true;
        stop.abort();
      });
      process.once("SIGTERM", () => stop.abort());
      const generator = createAlertGenerator({ seed: flags.seed });
      // Live alerts carry the time they are emitted, as Falco's would.
      const now = createEventClock();
      const live = {
        emit: (alerts: AlertInit | readonly AlertInit[]) => {
          const list: readonly AlertInit[] = Array.isArray(alerts) ? alerts : [alerts];
          return server.emit(list.map((alert) => withEventTime(alert, now())));
        },
      };
      await generator.emitAtRate(live, { ratePerSecond: flags.rate, signal: stop.signal });
      await server.stop({ timeoutMs: 2000 }).catch(() => server.crash());
      process.exitCode = interrupted ? EXIT.interrupted : EXIT.ok;
    });
}
