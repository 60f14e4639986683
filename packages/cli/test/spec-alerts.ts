// Alerts for unit tests, built through the client's own JSON parser.
import { type Alert, type Priority, parseAlertJson } from "@falco-sdk/core";

export function testAlert(
  rule: string,
  priority: Priority,
  time: string,
  hostname?: string,
  extra: { source?: string; tags?: string[] } = {},
): Alert {
  return parseAlertJson(
    JSON.stringify({
      output: `00:00:00.000000000: ${priority} ${rule} (user=root)`,
      output_fields: { "user.name": "root" },
      priority,
      rule,
      source: extra.source ?? "syscall",
      tags: extra.tags ?? [],
      time,
      ...(hostname === undefined ? {} : { hostname }),
    }),
  );
}
