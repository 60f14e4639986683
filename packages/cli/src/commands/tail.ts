import {
  type Alert,
  type AlertFilter,
  ConfigurationError,
  PRIORITIES,
  type Priority,
} from "@falco-sdk/client";
import { createHttpAlertReceiver } from "@falco-sdk/http";
import type { Command } from "commander";
import {
  addConnectionOptions,
  addFilterOptions,
  type ConnectionFlags,
  clientFromFlags,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { formatAlertJson, formatAlertLine } from "../format-alert.js";
import { finish, reportStatus, startRun } from "../run-command.js";
import { useColor } from "../style.js";

interface TailFlags extends ConnectionFlags, FilterFlags {
  listen?: string;
  json?: boolean;
  count?: number;
  duration?: number;
  summary?: boolean;
  verbose?: boolean;
}

function summary(
  byPriority: Map<Priority, number>,
  byRule: Map<string, number>,
  total: number,
): string {
  const priorities = PRIORITIES.filter((p) => byPriority.has(p))
    .map((p) => `${p} ${byPriority.get(p)}`)
    .join(", ");
  const top = [...byRule.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([rule, n]) => `${rule} (${n})`)
    .join(", ");
  return `${total} alerts${total ? `: ${priorities}\ntop rules: ${top}` : ""}`;
}

/** Where tail reads alerts: Falco's gRPC output, or an HTTP receiver for its http_output. */
interface AlertSource {
  alerts(options: AlertFilter & { signal: AbortSignal }): AsyncIterable<Alert>;
  connected(): boolean;
  close(): Promise<void>;
}

function grpcSource(flags: TailFlags): AlertSource {
  const client = clientFromFlags(flags);
  const connected = reportStatus(client, flags.verbose ?? false);
  return { alerts: (o) => client.subscribe(o), connected, close: () => client.close() };
}

async function listenSource(address: string): Promise<AlertSource> {
  const m = /^(?:(.+):)?(\d+)$/.exec(address);
  if (!m) throw new ConfigurationError(`--listen takes [host:]port, got ${address}`);
  const receiver = await createHttpAlertReceiver({ host: m[1] || "127.0.0.1", port: Number(m[2]) });
  process.stderr.write(`falco-alerts: receiving Falco's http_output at ${receiver.url}\n`);
  (async () => {
    for await (const s of receiver.status()) {
      if (s.type === "dropped")
        process.stderr.write(`falco-alerts: ${s.total} alerts dropped (slow output)\n`);
    }
  })();
  return {
    alerts: (o) => receiver.alerts(o),
    connected: () => true,
    close: () => receiver.close(),
  };
}

export function registerTail(program: Command): void {
  const command = program
    .command("tail")
    .description("print live alerts as they happen")
    .option("-j, --json", "one JSON object per line, in Falco's own json_output shape")
    .option("-n, --count <n>", "exit after this many alerts", positiveNumber("--count"))
    .option(
      "-d, --duration <seconds>",
      "exit after this many seconds",
      positiveNumber("--duration"),
    )
    .option("--summary", "print a summary (alerts by priority, top rules) on stderr at exit")
    .option("-v, --verbose", "also report connecting/connected on stderr")
    .option(
      "-l, --listen <[host:]port>",
      "receive from Falco's http_output (Falco >= 0.44) on this address instead of gRPC",
    );
  addFilterOptions(command);
  addConnectionOptions(command);
  command.addHelpText(
    "after",
    `
Examples:
  $ falco-alerts tail                                  # the local Falco socket
  $ falco-alerts tail --min-priority warning --json | jq .rule
  $ falco-alerts tail -e localhost:5060 --ca ca.crt --cert client.crt --key client.key
  $ falco-alerts tail --rule "Terminal shell in container" --count 1
  $ falco-alerts tail --listen 2801     # Falco >= 0.44: http_output.url: http://127.0.0.1:2801/

Connection problems are reported on stderr; "alerts may have been lost" marks a
disconnection while alerts were in flight.`,
  );
  command.action(async (flags: TailFlags) => {
    const run = startRun(flags.duration);
    let source: AlertSource;
    try {
      source = flags.listen ? await listenSource(flags.listen) : grpcSource(flags);
    } catch (error) {
      process.exitCode = finish(run, error, false);
      return;
    }
    const color = useColor(process.stdout);
    const byPriority = new Map<Priority, number>();
    const byRule = new Map<string, number>();
    let total = 0;
    let failure: unknown;
    try {
      const alerts = source.alerts({ ...filterFromFlags(flags), signal: run.signal });
      for await (const alert of alerts as AsyncIterable<Alert>) {
        process.stdout.write(
          `${flags.json ? formatAlertJson(alert) : formatAlertLine(alert, color)}\n`,
        );
        total++;
        byPriority.set(alert.priority, (byPriority.get(alert.priority) ?? 0) + 1);
        byRule.set(alert.rule, (byRule.get(alert.rule) ?? 0) + 1);
        if (flags.count !== undefined && total >= flags.count) break;
      }
    } catch (error) {
      failure = error;
    } finally {
      await source.close();
    }
    if (flags.summary) process.stderr.write(`${summary(byPriority, byRule, total)}\n`);
    process.exitCode = finish(run, failure, source.connected());
  });
}
