import {
  type Alert,
  type AlertFilter,
  ConfigurationError,
  formatAlertJson,
} from "@falco-sdk/client";
import { createHttpAlertReceiver } from "@falco-sdk/http";
import { type Command, Option } from "commander";
import { AlertSummary } from "../alert-summary.js";
import {
  addConnectionOptions,
  addFilterOptions,
  type ConnectionFlags,
  clientFromFlags,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { formatAlertLine } from "../format-alert.js";
import { finish, reportStatus, type StatusReport, startRun } from "../run-command.js";
import { useColor } from "../style.js";

interface TailFlags extends ConnectionFlags, FilterFlags {
  listen?: string;
  json?: boolean;
  count?: number;
  duration?: number;
  summary?: boolean;
}

/** Where tail reads alerts: Falco's gRPC output, or an HTTP receiver for its http_output. */
interface AlertSource {
  alerts(options: AlertFilter & { signal: AbortSignal }): AsyncIterable<Alert>;
  report: StatusReport;
  close(): Promise<void>;
}

function grpcSource(flags: TailFlags): AlertSource {
  const client = clientFromFlags(flags);
  const report = reportStatus(client.status(), { verbose: flags.verbose || undefined });
  return { alerts: (o) => client.subscribe(o), report, close: () => client.close() };
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
  })().catch(() => {});
  return {
    alerts: (o) => receiver.alerts(o),
    report: { connected: () => true, possibleLosses: () => 0 },
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
    .option(
      "--summary",
      "print a summary on stderr at exit (alerts by priority, top rules, possible loss)",
    )
    .addOption(
      new Option(
        "-l, --listen <[host:]port>",
        "receive from Falco's http_output (Falco >= 0.44) on this address instead of gRPC",
      ).conflicts(["endpoint", "ca", "cert", "key", "serverName", "wait"]),
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
      process.exitCode = finish(run, error, false, flags.verbose);
      return;
    }
    const color = useColor(process.stdout);
    const counts = new AlertSummary();
    let failure: unknown;
    try {
      const alerts = source.alerts({ ...filterFromFlags(flags), signal: run.signal });
      for await (const alert of alerts as AsyncIterable<Alert>) {
        process.stdout.write(
          `${flags.json ? formatAlertJson(alert) : formatAlertLine(alert, color)}\n`,
        );
        counts.add(alert);
        if (flags.count !== undefined && counts.total >= flags.count) break;
      }
    } catch (error) {
      failure = error;
    } finally {
      await source.close();
    }
    if (flags.summary) {
      process.stderr.write(`${counts.format(source.report.possibleLosses())}\n`);
    }
    process.exitCode = finish(run, failure, source.report.connected(), flags.verbose);
  });
}
