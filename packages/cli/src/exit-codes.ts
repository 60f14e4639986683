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
  if (error instanceof FalcoError && CONNECT_CODES.has(error.code) && !connected)
    return EXIT.connect;
  return EXIT.error;
}

/** One line for stderr: the SDK's message says what to do; stacks only with DEBUG set. */
export function describeError(error: unknown): string {
  if (process.env.DEBUG && error instanceof Error && error.stack) return error.stack;
  return error instanceof Error ? error.message : String(error);
}
