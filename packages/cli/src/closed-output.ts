/**
 * A reader that goes away (`falco-alerts tail --help | head -1`) makes every later write to
 * stdout fail with EPIPE, reported as an 'error' event: without a listener, Node ends the
 * process with "Unhandled 'error' event" (exit 1). Output nobody reads is not an error for a
 * filter: these listeners drop it, and the command ends as it would have (exit 0 for --help;
 * a running command stops quietly through its own listener, see `startRun`). A closed stderr
 * is ignored the same way: there is nowhere left to report it; the exit status still says how
 * the command ended.
 */
export function ignoreClosedOutput(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
    // A running command's own listener (startRun) reports it and stops.
    if (process.stdout.listenerCount("error") === 1)
      process.stderr.write(`falco-alerts: stdout: ${error.message}\n`);
  });
  process.stderr.on("error", () => {});
}
