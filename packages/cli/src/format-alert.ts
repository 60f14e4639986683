import { type Alert, outputLineText } from "@falco-sdk/core";
import { paint, paintPriority } from "@falco-sdk/noise/internal";

/** One readable line: time, priority, rule, host, then the alert text. */
export function formatAlertLine(alert: Alert, color: boolean): string {
  const time = alert.time.toISOString().replace("T", " ").replace("Z", "");
  return [
    paint(color, "dim", time),
    paintPriority(color, alert.priority, alert.priority.padEnd(13)),
    paint(color, "bold", alert.rule),
    alert.hostname ? paint(color, "dim", `[${alert.hostname}]`) : "",
    outputLineText(alert.output),
  ]
    .filter(Boolean)
    .join("  ");
}
