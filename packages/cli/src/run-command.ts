import type { ClientStatus, FalcoClient } from "@falco-sdk/client";
import { describeError, EXIT, exitCodeFor } from "./exit-codes.js";
import { paint, useColor } from "./style.js";

/** How a long-running command ends: a signal, --duration, or its own end. */
export interface CommandRun {
  /** Aborted on SIGINT/SIGTERM or when --duration elapses. */
  readonly signal: AbortSignal;
  /** True once SIGINT was received. */
  readonly interrupted: () => boolean;
  dispose(): void;
}

export function startRun(durationSeconds?: number): CommandRun {
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    interrupted = true;
    controller.abort();
  };
  const onSigterm = () => controller.abort();
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
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
    },
  };
}

/** Prints connection events on stderr (reconnects, possible loss). Returns whether it ever connected. */
export function reportStatus(client: FalcoClient, verbose: boolean): () => boolean {
  let connected = false;
  const color = useColor(process.stderr);
  const say = (text: string) =>
    process.stderr.write(`${paint(color, "dim", `falco-alerts: ${text}`)}\n`);
  (async () => {
    for await (const event of client.status() as AsyncIterable<ClientStatus>) {
      if (event.type === "connected") {
        connected = true;
        if (verbose) say(`connected to ${event.endpoint}`);
      } else if (event.type === "connecting" && verbose) {
        say(`connecting to ${event.endpoint}`);
      } else if (event.type === "disconnected") {
        const loss = event.alertsMayHaveBeenLost ? " (alerts may have been lost)" : "";
        process.stderr.write(
          `${paint(color, "yellow", `falco-alerts: disconnected${loss}: ${event.error.message}`)}\n`,
        );
      } else if (event.type === "reconnecting") {
        say(`reconnecting in ${(event.delayMs / 1000).toFixed(1)} s (attempt ${event.attempt})`);
      }
    }
  })();
  return () => connected;
}

/** Exit status for how a command ended, printing the error if any. */
export function finish(run: CommandRun, error: unknown, connected: boolean): number {
  run.dispose();
  if (run.interrupted()) return EXIT.interrupted;
  if (error === undefined) return EXIT.ok;
  process.stderr.write(`falco-alerts: ${describeError(error)}\n`);
  return exitCodeFor(error, connected);
}
