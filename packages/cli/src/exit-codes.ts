import { FalcoError } from "@falco-sdk/client";

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

/** A command line that parses but cannot work (e.g. serve with neither --socket nor --port). */
export class UsageError extends FalcoError {
  constructor(message: string) {
    super("usage", message);
  }
}

/** The exit statuses, as printed at the end of every --help. */
export const EXIT_STATUS_HELP = `
Exit status:
  0    done: the command finished, --count / --duration reached, or stdout closed
  1    failure while running (the connection gave up after having worked; other errors)
  2    usage error (unknown flag, bad or missing value)
  3    could not connect or bad settings: socket missing, permission, TLS, not a
       Falco server, unreadable certificate file
  130  interrupted by Ctrl-C (SIGINT); SIGTERM stops cleanly with 0`;

const CONNECT_CODES = new Set([
  "configuration",
  "socket-not-found",
  "socket-permission",
  "tls",
  "not-falco",
  "connection",
]);

/** The exit status for an error that ended a command. */
export function exitCodeFor(error: unknown, connected: boolean): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof FalcoError && CONNECT_CODES.has(error.code) && !connected)
    return EXIT.connect;
  return EXIT.error;
}

/** One line for stderr: the SDK's message says what to do; a stack only with --verbose or DEBUG. */
export function describeError(error: unknown, verbose = false): string {
  if ((verbose || process.env.DEBUG) && error instanceof Error && error.stack) {
    const cause = error.cause instanceof Error ? `\ncaused by: ${error.cause.stack}` : "";
    return `${error.stack}${cause}`;
  }
  return error instanceof Error ? error.message : String(error);
}
