import type { AlertInputs } from "./alert-inputs.js";
import { plural } from "./plural.js";

/** What a command's inputs may have lost, for its summary. */
export interface LossCounts {
  /** Disconnections from Falco's gRPC output while alerts were in flight. */
  readonly possibleLosses: number;
  /** Alerts the SDK dropped because the command fell behind. */
  readonly dropped: number;
  /** Requests the HTTP receivers refused, by reason (each may be an alert Falco sent). */
  readonly rejected: Readonly<Record<string, number>>;
  /** Alerts the API server's retention removed before they were read (`tail --api`). */
  readonly removedByRetention?: number;
}

/** The losses of every input so far. */
export function lossCounts(inputs: AlertInputs): LossCounts {
  const rejected: Record<string, number> = {};
  for (const input of inputs.inputs) {
    const byReason: Readonly<Record<string, number>> =
      input.receiver?.stats().rejectedByReason ?? {};
    for (const [reason, n] of Object.entries(byReason)) {
      rejected[reason] = (rejected[reason] ?? 0) + n;
    }
  }
  return {
    possibleLosses: inputs.report.possibleLosses(),
    dropped: inputs.inputs.reduce((n, input) => n + input.dropped(), 0),
    rejected,
  };
}

/** Requests refused, every reason. */
export function rejectedTotal(loss: LossCounts): number {
  return Object.values(loss.rejected).reduce((a, b) => a + b, 0);
}

/**
 * One line: `loss: none reported`, or each kind of loss, e.g. `loss: alerts may have been lost
 * in 1 disconnection; 2 requests rejected by the receiver (bad-body 1, content-type 1)`.
 */
export function formatLoss(loss: LossCounts): string {
  const parts: string[] = [];
  if (loss.possibleLosses > 0) {
    parts.push(`alerts may have been lost in ${plural(loss.possibleLosses, "disconnection")}`);
  }
  if (loss.dropped > 0) {
    parts.push(`${plural(loss.dropped, "alert")} dropped (the output fell behind)`);
  }
  if (loss.removedByRetention) {
    parts.push(
      `${plural(loss.removedByRetention, "alert")} removed by the server's retention before read`,
    );
  }
  const rejected = rejectedTotal(loss);
  if (rejected > 0) {
    const reasons = Object.entries(loss.rejected)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(", ");
    parts.push(`${plural(rejected, "request")} rejected by the receiver (${reasons})`);
  }
  return parts.length === 0 ? "loss: none reported" : `loss: ${parts.join("; ")}`;
}
