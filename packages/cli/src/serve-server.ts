import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import { createTestPki, writeTestPki } from "@falco-sdk/testing/pki";
import {
  type AlertInit,
  createFalcoTestServer,
  FalcoTestServerError,
  type ListenOptions,
  ServerListenError,
  SocketInUseError,
  type TestingErrorCode,
} from "@falco-sdk/testing/servers";
import { describeError, EXIT, type ExitStatus, exitCodeFor, UsageError } from "./exit-codes.js";
import { createEventClock, withEventTime } from "./live-time.js";
import { loadFile } from "./load-file.js";

// `falco-alerts serve`: loaded only when that command runs (commands/serve.ts imports it
// lazily), so tail, get, stats and version never load the test server, its PKI library or
// the gRPC server stack.

/** The flags of `falco-alerts serve`. */
export interface ServeFlags {
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
 * The exit status of the test server's own failures that `serve` can meet (its errors are
 * @falco-sdk/testing's, not FalcoErrors of the SDK, so they are not in exit-codes.ts' table).
 */
const SERVE_EXIT_FOR_CODE: { readonly [C in TestingErrorCode]?: ExitStatus } = {
  "insecure-listen": EXIT.usage,
  "invalid-generator-options": EXIT.usage,
  "listen-failed": EXIT.error,
};

/** The exit status for an error that ended `serve` before it listened. */
function serveExitCode(error: unknown): ExitStatus {
  // Another server's socket (or not a socket) at --socket: a bad setting, like `relay --serve`.
  if (error instanceof ServerListenError && error.cause instanceof SocketInUseError) {
    return exitCodeFor(error.cause, false);
  }
  if (error instanceof FalcoTestServerError) {
    const code: TestingErrorCode = error.code;
    return SERVE_EXIT_FOR_CODE[code] ?? EXIT.error;
  }
  return exitCodeFor(error, false);
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

/** Runs `falco-alerts serve` until SIGINT or SIGTERM; sets `process.exitCode`. */
export async function runServe(flags: ServeFlags): Promise<void> {
  // Handlers first: a SIGINT that follows "listening on" at once (a script that waited for
  // it) must stop the server cleanly, not find Node's default action (killed, socket left).
  const stop = new AbortController();
  let interrupted = false;
  process.once("SIGINT", () => {
    interrupted = true;
    stop.abort();
  });
  process.once("SIGTERM", () => stop.abort());
  let options: Awaited<ReturnType<typeof listenOptions>>;
  let server: Awaited<ReturnType<typeof createFalcoTestServer>>;
  try {
    options = await listenOptions(flags);
    server = await createFalcoTestServer({ listen: options.listen });
  } catch (error) {
    process.stderr.write(`falco-alerts: ${describeError(error, flags.verbose)}\n`);
    process.exitCode = serveExitCode(error);
    return;
  }
  quietClientDisconnects(flags.verbose ?? false);
  process.stdout.write(
    `listening on ${server.endpoint}\nconnect with: ${options.hint(server.endpoint)}\n`,
  );
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
}
