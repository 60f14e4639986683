import { FalcoError, type FalcoErrorCode } from "@falco-sdk/core";
// The store's error codes (forward's spool) join FalcoErrorCode: each needs a status below.
import type {} from "@falco-sdk/store";
import { messageInFlags } from "./option-flags.js";

declare module "@falco-sdk/core" {
  interface FalcoErrorCodes {
    usage: UsageError;
  }
}

/** Exit statuses of falco-alerts, for scripts. */
export const EXIT = {
  /** Done: the command finished, or --count / --duration was reached. */
  ok: 0,
  /** A failure while running: the connection was lost for good, an unexpected error. */
  error: 1,
  /** Bad command line: unknown flag, missing or invalid value. */
  usage: 2,
  /** Could not connect: socket missing, permission, TLS, not a Falco server, bad settings. */
  connect: 3,
  /** Interrupted by Ctrl-C (SIGINT). */
  interrupted: 130,
} as const;

/** One of the exit statuses. */
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/** A command line that parses but cannot work (e.g. serve with neither --socket nor --port). */
export class UsageError extends FalcoError<"usage"> {
  constructor(message: string) {
    super("usage", message);
  }
}

/** One row of the exit status table: the status and what it means (Markdown: `code` spans). */
export interface ExitStatusRow {
  /** The exit status. */
  readonly status: ExitStatus;
  /** What it means. */
  readonly meaning: string;
}

/**
 * The exit statuses of every command: the one table printed at the end of every --help and
 * in the README (a test checks that the README's table is this one).
 */
export const EXIT_STATUSES: readonly ExitStatusRow[] = [
  {
    status: EXIT.ok,
    meaning:
      "done: the command finished, `--count` / `--duration` reached, stdout's reader went away, or SIGTERM",
  },
  {
    status: EXIT.error,
    meaning:
      "failure while running: the connection gave up after having worked, an unexpected error, " +
      "`serve` without `@falco-sdk/testing` installed",
  },
  {
    status: EXIT.usage,
    meaning:
      "usage error: unknown command or flag, bad or missing value, flags that do not go together " +
      "(`serve` without `--socket`/`--port`)",
  },
  {
    status: EXIT.connect,
    meaning:
      "could not connect or bad settings: socket missing, permission denied, TLS, not a Falco " +
      "server, malformed endpoint, TCP without `--cert`/`--key`, unreadable or mismatched " +
      "certificate file, `metrics` address taken, socket path in use by another server, " +
      "unusable `--store` directory (not writable, full, damaged, not a store)",
  },
  {
    status: EXIT.interrupted,
    meaning:
      "interrupted by Ctrl-C (SIGINT); `tail --summary` and `stats` still print their summary first",
  },
];

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
}

/** The exit statuses, as printed at the end of every --help. */
export const EXIT_STATUS_HELP = `
Exit status:
${EXIT_STATUSES.map(({ status, meaning }) =>
  wrap(meaning.replaceAll("`", ""), 72)
    .map((line, i) => `  ${(i === 0 ? String(status) : "").padEnd(5)}${line}`)
    .join("\n"),
).join("\n")}`;

/** The exit statuses as the README's Markdown table (cells unpadded). */
export function exitStatusMarkdown(): string {
  return [
    "| status | meaning |",
    "| --- | --- |",
    ...EXIT_STATUSES.map(({ status, meaning }) => `| ${status} | ${meaning} |`),
  ].join("\n");
}

/**
 * The exit status of each error code of every package the CLI uses. A code added to any of
 * them without an entry here is a compile error (`FalcoErrorCode` is their union).
 */
const EXIT_FOR_CODE: { readonly [C in FalcoErrorCode]: ExitStatus } = {
  usage: EXIT.usage,
  configuration: EXIT.connect,
  "socket-not-found": EXIT.connect,
  "socket-permission": EXIT.connect,
  tls: EXIT.connect,
  "not-falco": EXIT.connect,
  connection: EXIT.connect,
  // Only ever reported in status events (a starved subscription keeps retrying), never thrown.
  "sub-slots-full": EXIT.error,
  "alert-parse": EXIT.error,
  "already-iterated": EXIT.error,
  // falco-alerts metrics:
  "metrics-listen": EXIT.connect,
  // falco-alerts noise: a log file that breaks while read (truncated gzip)
  "alert-log": EXIT.error,
  // falco-alerts serve without @falco-sdk/testing installed (its own test-server failures:
  // serveExitCode in serve-server.ts):
  "testing-not-installed": EXIT.error,
  // falco-alerts relay:
  "cannot-listen": EXIT.error,
  // serve --socket and relay --serve unix://: another server answers there (or not a socket)
  "socket-in-use": EXIT.connect,
  "relay-closed": EXIT.error,
  // falco-alerts forward and tail --nats:
  "nats-auth": EXIT.connect,
  "nats-tls": EXIT.connect,
  "nats-connection": EXIT.connect,
  "nats-stream": EXIT.connect,
  "nats-max-payload": EXIT.error,
  // falco-alerts tail --api:
  "api-unauthorized": EXIT.connect,
  "api-unreachable": EXIT.connect,
  "api-bad-response": EXIT.connect,
  "api-bad-request": EXIT.usage,
  // relay --store: an unusable directory at start (bad settings, like an unreadable
  // certificate); while running, a failed append is reported and the relay goes on.
  "store-corrupt": EXIT.connect,
  "store-foreign": EXIT.connect,
  "store-access": EXIT.connect,
  "store-full": EXIT.connect,
  "store-closed": EXIT.error,
  "relay-store": EXIT.error,
  // relay --store: its intake journal is not one (left as it is), or cannot be replayed at start.
  "relay-journal": EXIT.connect,
  // relay --serve-http and ui (the CLI checks its flags first: these are the library's own words)
  "api-configuration": EXIT.usage,
  "api-listen": EXIT.error,
  // only ever an HTTP 400 answer, never thrown to the CLI
  "bad-parameter": EXIT.error,
  // forward's --spool: another forwarder has it, or it cannot be opened or written (a failure
  // while running, such as a full disk, is 1: see exitCodeFor)
  "nats-spool-locked": EXIT.connect,
  "nats-spool": EXIT.connect,
  "store-locked": EXIT.connect,
};

/**
 * The exit status for an error that ended a command: by its code; a failure to connect
 * (status 3) after a connection had worked is a failure while running (1).
 */
export function exitCodeFor(error: unknown, connected: boolean): ExitStatus {
  if (!(error instanceof FalcoError)) return EXIT.error;
  const status = EXIT_FOR_CODE[error.code as FalcoErrorCode] ?? EXIT.error;
  return status === EXIT.connect && connected ? EXIT.error : status;
}

/**
 * One line for stderr: the SDK's message says what to do, in flags (not library options); a
 * stack only with --verbose or DEBUG.
 */
export function describeError(error: unknown, verbose = false): string {
  if ((verbose || process.env.DEBUG) && error instanceof Error && error.stack) {
    const cause = error.cause instanceof Error ? `\ncaused by: ${error.cause.stack}` : "";
    return `${error.stack?.replace(error.message, messageInFlags(error))}${cause}`;
  }
  return error instanceof Error ? messageInFlags(error) : String(error);
}
