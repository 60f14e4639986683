import { createPrometheusExporter, type PrometheusExporter } from "@falco-sdk/prometheus";
import { type Command, InvalidArgumentError } from "commander";
import {
  type AlertInputs,
  addInputOptions,
  type InputFlags,
  openAlertInputs,
} from "../alert-inputs.js";
import {
  addFilterOptions,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { parseListenAddress } from "../listen-address.js";
import { lossCounts } from "../loss-report.js";
import { finish, startRun } from "../run-command.js";

interface MetricsFlags extends InputFlags, FilterFlags {
  metricsListen: string;
  metricsPath: string;
  probesListen?: string;
  maxSeries: number;
  falcoNative: boolean;
  duration?: number;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError("a positive integer");
  return n;
}

/** The source state the exporter reads at each scrape: every input together. */
function inputsState(inputs: AlertInputs) {
  return () => ({
    up: inputs.up(),
    possibleLosses: inputs.report.possibleLosses(),
    dropped: inputs.inputs.reduce((n, input) => n + input.dropped(), 0),
    rejected: lossCounts(inputs).rejected,
  });
}

export function registerMetrics(program: Command): void {
  const command = program
    .command("metrics")
    .description("serve alerts as Prometheus metrics (falco-exporter's falco_events and more)")
    .option(
      "--metrics-listen <[host:]port>",
      "where Prometheus scrapes (0.0.0.0:9376 for a remote Prometheus)",
      "127.0.0.1:9376",
    )
    .option("--metrics-path <path>", "path of the metrics", "/metrics")
    .option(
      "--probes-listen <[host:]port>",
      "also serve /liveness and /readiness here (falco-exporter served them on :19376)",
    )
    .option(
      "--max-series <n>",
      "cardinality cap: alert label sets with a series of their own; the rest go to _overflow_ series",
      positiveInteger,
      10_000,
    )
    .option("--no-falco-native", "leave out falcosecurity_falco_rules_matches_total")
    .option(
      "-d, --duration <seconds>",
      "exit after this many seconds",
      positiveNumber("--duration"),
    );
  addFilterOptions(command);
  addInputOptions(command);
  command.addHelpText(
    "after",
    `
Metrics: falco_events{rule,priority,hostname,source,k8s_ns_name,k8s_pod_name,tags} as
falco-exporter wrote it (priority 0 = Emergency .. 7 = Debug, tags ",a,b,"),
falcosecurity_falco_rules_matches_total{rule_name,priority,source,tag_*} as Falco's own
endpoint names it plus hostname and k8s labels, falco_sdk_connected, possible losses, drops,
and the series cap. /liveness answers 204; /readiness 204 only while connected to Falco (gRPC)
or listening for it (HTTP). A Grafana dashboard ships in @falco-sdk/prometheus.

Examples:
  $ falco-alerts metrics                                 # local Falco socket, :9376/metrics
  $ falco-alerts metrics --wait                          # as a service: wait for Falco to start
  $ falco-alerts metrics --listen-http 2801              # Falco >= 0.44 http_output
  $ falco-alerts metrics --metrics-listen 0.0.0.0:9376 --probes-listen 0.0.0.0:19376
  $ curl -s http://127.0.0.1:9376/metrics | grep falco_events`,
  );
  command.action(async (flags: MetricsFlags) => {
    const run = startRun(flags.duration);
    let inputs: AlertInputs | undefined;
    let exporter: PrometheusExporter;
    try {
      const metrics = parseListenAddress("--metrics-listen", flags.metricsListen);
      const probes = flags.probesListen
        ? parseListenAddress("--probes-listen", flags.probesListen)
        : undefined;
      inputs = await openAlertInputs(flags);
      exporter = await createPrometheusExporter({
        ...metrics,
        path: flags.metricsPath,
        ...(probes && { probes }),
        maxSeries: flags.maxSeries,
        falcoNative: flags.falcoNative,
        onSeriesLimit: (limit) =>
          process.stderr.write(
            `falco-alerts: ${limit} alert series reached: new label sets are counted in _overflow_ ` +
              "series from now on (falco_sdk_series_limit_hits_total); raise --max-series to keep them apart\n",
          ),
        alerts: inputs.alerts({ ...filterFromFlags(flags), signal: run.signal }),
        state: inputsState(inputs),
      });
    } catch (error) {
      await inputs?.close();
      process.exitCode = finish(run, error, false, flags.verbose);
      return;
    }
    const probesNote = flags.probesListen ? `; probes on ${exporter.probesUrl}` : "";
    process.stderr.write(`falco-alerts: serving metrics at ${exporter.url}${probesNote}\n`);
    let failure: unknown;
    try {
      await exporter.done;
    } catch (error) {
      failure = error;
    } finally {
      await exporter.close();
      await inputs.close();
    }
    process.exitCode = finish(run, failure, inputs.report.connected(), flags.verbose);
  });
}
