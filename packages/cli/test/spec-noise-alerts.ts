// Falco JSON log lines for the noise specs: the testing package's realistic alerts,
// plus two noise sources a user would tune away (a backup job reading /etc/shadow,
// a config reloader writing below /etc/nginx/).
import { PRIORITIES } from "@falco-sdk/core";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import type { AlertInit } from "@falco-sdk/testing/servers";

/** One alert as Falco's json_output writes it (`<NA>` is null there). */
export function jsonLine(init: AlertInit): string {
  const seconds = BigInt(init.time?.seconds ?? 0n);
  const nanos = String(init.time?.nanos ?? 0).padStart(9, "0");
  const fields: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(init.outputFields ?? {})) fields[k] = v === "<NA>" ? null : v;
  return JSON.stringify({
    hostname: init.hostname,
    output: init.output,
    output_fields: fields,
    priority: PRIORITIES[init.priority ?? 0],
    rule: init.rule,
    source: init.source,
    tags: init.tags,
    time: `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${nanos}Z`,
  });
}

/** `background` generated alerts with `noise` of each of the two noise sources mixed in. */
export function noisyLog(background = 600, noise = 150, seed = 7): string[] {
  const gen = createAlertGenerator({ seed });
  const lines: string[] = [];
  for (let i = 0; i < background + 2 * noise; i++) {
    let alert: AlertInit;
    if (i % 5 === 1 && i / 5 < noise) {
      alert = gen.next("Read sensitive file untrusted");
      Object.assign(alert.outputFields!, {
        "proc.name": "backup-agent",
        "proc.pname": "cron",
        "user.name": "root",
        "fd.name": i % 2 === 0 ? "/etc/shadow" : "/etc/sudoers",
      });
    } else if (i % 5 === 3 && i / 5 < noise) {
      alert = gen.next("Write below etc");
      Object.assign(alert.outputFields!, {
        "proc.name": "nginx-reloader",
        "fd.name": `/etc/nginx/conf.d/site-${i % 17}.conf`,
        "user.name": "www-data",
      });
    } else alert = gen.next();
    lines.push(jsonLine(alert));
  }
  return lines;
}
