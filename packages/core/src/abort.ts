/**
 * A controller that aborts when any of `signals` aborts (or at once if one already has), for
 * work that also has its own way to stop (`unsubscribe()`, `break`). Unlike `AbortSignal.any`,
 * the listeners it adds are removed when the controller aborts, so call `abort()` when the work
 * ends: long-lived signals (a client's close signal) then hold nothing per finished call.
 */
export function linkedAbortController(
  ...signals: readonly (AbortSignal | undefined)[]
): AbortController {
  const controller = new AbortController();
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), {
      once: true,
      signal: controller.signal,
    });
  }
  return controller;
}
