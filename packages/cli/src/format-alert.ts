import type { Alert } from "@falco-sdk/client";
import { paint, paintPriority } from "./style.js";

/** The output line without Falco's own "HH:MM:SS.nnnnnnnnn: Priority " prefix. */
function outputText(alert: Alert): string {
  const prefix = /^\d{2}:\d{2}:\d{2}\.\d+: \S+ /.exec(alert.output);
  return prefix ? alert.output.slice(prefix[0].length) : alert.output;
}

/** One readable line: time, priority, rule, host, then the alert text. */
export function formatAlertLine(alert: Alert, color: boolean): string {
  const time = alert.time.toISOString().replace("T", " ").replace("Z", "");
  return [
    paint(color, "dim", time),
    paintPriority(color, alert.priority, alert.priority.padEnd(13)),
    paint(color, "bold", alert.rule),
    alert.hostname ? paint(color, "dim", `[${alert.hostname}]`) : "",
    outputText(alert),
  ]
    .filter(Boolean)
    .join("  ");
}
