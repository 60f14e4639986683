import type { ClientStatus } from "@falco-sdk/client";
import { paint } from "@falco-sdk/noise/internal";
import { describeError, EXIT, exitCodeFor } from "./exit-codes.js";
import { useColor } from "./use-color.js";

/** How a long-running command ends: a signal, --duration, a closed stdout, or its own end. */
export interface CommandRun {
  /** Aborted on SIGINT/SIGTERM, when --duration elapses, or when stdout's reader went away. */
  readonly signal: AbortSignal;
  /** True once SIGINT was received. */
  readonly interrupted: () => boolean;
  dispose(): void;
}

/**
 * Starts a command's run. A reader that closes stdout (`falco-alerts tail | head -1`) ends the
 * run quietly (EPIPE is not an error for a filter), instead of crashing on the 'error' event.
 */
export function startRun(durationSeconds?: number): CommandRun {
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    controller.abort();
  };
  const onSigterm = () => controller.abort();
  const onStdoutError = (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") process.stderr.write(`falco-alerts: stdout: ${error.message}\n`);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  process.stdout.on("error", onStdoutError);
  const timer =
    durationSeconds === undefined
      ? undefined
      : setTimeout(() => controller.abort(), durationSeconds * 1000);
  return {
    signal: controller.signal,
    interrupted: () => interrupted,
    dispose() {
      clearTimeout(timer);
      process.off("SIGINT", onSigint);
      process.off("SIGTERM", onSigterm);
      // Keep swallowing late EPIPEs from writes still queued.
      process.stdout.off("error", onStdoutError);
      process.stdout.on("error", () => {});
    },
  };
}

/** What a status reporter saw, read at the end of a command. */
export interface StatusReport {
  /** Whether a connection ever succeeded. */
  connected(): boolean;
  /** Disconnections that happened while alerts were in flight (alerts may have been lost). */
  possibleLosses(): number;
}

/** Options of {@link reportStatus}. */
export interface ReportStatusOptions {
  /** Print "connecting"/"connected" too. Default: when stderr is a terminal. */
  readonly verbose?: boolean;
  /** Where the messages go. Default: one line each on stderr. */
  readonly say?: (text: string, warning: boolean) => void;
}

/**
 * Prints connection events on stderr: connecting/connected (on a terminal or with --verbose),
 * every disconnection (with "alerts may have been lost" when alerts were in flight) and every
 * reconnection attempt with its delay.
 */
export function reportStatus(
  status: AsyncIterable<ClientStatus>,
  options: ReportStatusOptions = {},
): StatusReport {
  let connected = false;
  let losses = 0;
  const color = useColor(process.stderr);
  const chatty = options.verbose ?? process.stderr.isTTY === true;
  const say = (text: string, format: "dim" | "yellow" = "dim") =>
    options.say
      ? options.say(text, format === "yellow")
      : process.stderr.write(`${paint(color, format, `falco-alerts: ${text}`)}\n`);
  (async () => {
    for await (const event of status) {
      if (event.type === "connecting") {
        if (chatty) say(`connecting to ${event.endpoint}`);
      } else if (event.type === "connected") {
        connected = true;
        if (chatty) say(`connected to ${event.endpoint}`);
      } else if (event.type === "disconnected") {
        if (event.alertsMayHaveBeenLost) losses++;
        // Before the first connection the command itself reports the error (or --wait retries).
        if (!connected) continue;
        const loss = event.alertsMayHaveBeenLost ? " (alerts may have been lost)" : "";
        say(`disconnected${loss}: ${describeError(event.error)}`, "yellow");
      } else if (event.type === "reconnecting") {
        const delay = `${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt})`;
        if (connected) say(`reconnecting in ${delay}`);
        else say(`waiting for Falco, retrying in ${delay}: ${describeError(event.error)}`);
      }
    }
  })().catch((error: unknown) => say(`status events failed: ${describeError(error)}`, "yellow"));
  return { connected: () => connected, possibleLosses: () => losses };
}

/** Exit status for how a command ended, printing the error (one line; a stack when verbose). */
export function finish(
  run: CommandRun,
  error: unknown,
  connected: boolean,
  verbose = false,
): number {
  run.dispose();
  if (run.interrupted()) return EXIT.interrupted;
  if (error === undefined || run.signal.aborted) return EXIT.ok;
  process.stderr.write(`falco-alerts: ${describeError(error, verbose)}\n`);
  return exitCodeFor(error, connected);
}
