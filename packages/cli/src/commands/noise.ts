import { writeFileSync } from "node:fs";
import { type Alert, ConfigurationError, compileAlertFilter } from "@falco-sdk/core";
import {
  type AlertLogStats,
  DEFAULT_NOISE_FIELDS,
  NoiseAnalyzer,
  readAlertLogs,
  renderFalcoRules,
  renderNoiseHtml,
  renderNoiseMarkdown,
  renderNoiseTable,
} from "@falco-sdk/noise";
import { type Command, InvalidArgumentError, Option } from "commander";
import { addInputOptions, type InputFlags, openAlertInputs } from "../alert-inputs.js";
import {
  addFilterOptions,
  type FilterFlags,
  filterFromFlags,
  positiveNumber,
} from "../connection-options.js";
import { EXIT, exitCodeFor, UsageError } from "../exit-codes.js";
import { formatLoss, lossCounts, rejectedTotal } from "../loss-report.js";
import { finish, startRun } from "../run-command.js";
import { useColor } from "../use-color.js";

interface NoiseFlags extends InputFlags, FilterFlags {
  duration?: number;
  count?: number;
  format: "table" | "md" | "falco-rules";
  html?: string;
  top: number;
  maxExceptions: number;
  minFields: number;
  maxFields: number;
  minCount: number;
  minShare: number;
  fields?: string[];
}

const count = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
  return n;
};

const share = (value: string) => {
  const n = Number(value.endsWith("%") ? Number(value.slice(0, -1)) / 100 : value);
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("--min-share is a fraction from 0 to 1, or a percentage (5%)");
  return n;
};

export function registerNoise(program: Command): void {
  const command = program
    .command("noise")
    .argument("[files...]", "Falco JSON logs (json_output; .gz too; - for stdin)")
    .description("find the noisiest rules and the field values behind them; write Falco exceptions")
    .addOption(
      new Option("-f, --format <format>", "table, md (Markdown) or falco-rules (exceptions YAML)")
        .choices(["table", "md", "falco-rules"])
        .default("table"),
    )
    .option("--html <file>", "also write a self-contained HTML report with a chart")
    .option(
      "-d, --duration <seconds>",
      "live: read the stream this long",
      positiveNumber("--duration"),
    )
    .option("-n, --count <n>", "stop after this many alerts", count("--count"))
    .option("--top <n>", "rules reported", count("--top"), 10)
    .option("--max-exceptions <n>", "combinations per rule", count("--max-exceptions"), 3)
    .option("--min-fields <n>", "fewest fields in a combination", count("--min-fields"), 2)
    .option(
      "--max-fields <n>",
      "most fields searched (more are added when 90% of its alerts share them)",
      count("--max-fields"),
      3,
    )
    .option("--min-count <n>", "fewest alerts a combination must explain", count("--min-count"), 5)
    .option(
      "--min-share <fraction>",
      "smallest share of its rule a combination must explain",
      share,
      0.05,
    )
    .option(
      "--fields <list>",
      `comma-separated output fields to combine (default ${DEFAULT_NOISE_FIELDS.join(",")})`,
      (v: string) =>
        v
          .split(",")
          .map((f) => f.trim())
          .filter(Boolean),
    );
  addFilterOptions(command);
  addInputOptions(command);
  command.addHelpText(
    "after",
    `
Input: Falco JSON log files (text lines such as start-up messages are skipped; gzip
is detected), - or a pipe for stdin; or, with --duration, --from or --listen-http,
a live stream (until --duration elapses or Ctrl-C).

How combinations are found, per rule: the conjunction of field values (up to
--max-fields, paths also by directory prefix) that matches the most alerts not yet
explained is made as specific as its alerts allow, and kept if it has --min-fields
fields and explains at least --min-count alerts and --min-share of the rule; repeated
up to --max-exceptions times. Counts never count an alert twice.

Examples:
  $ falco-alerts noise /var/log/falco/events.json
  $ journalctl -u falco -o cat | falco-alerts noise --format md > noise.md
  $ falco-alerts noise events.json.gz --format falco-rules > /etc/falco/rules.d/noise.yaml
  $ falco-alerts noise --duration 600 --html noise.html`,
  );
  command.action(async (files: string[], flags: NoiseFlags) => {
    const live =
      flags.duration !== undefined ||
      [flags.from, flags.endpoint, flags.listenHttp, flags.listen].some((l) => l && l.length > 0);
    const run = startRun(flags.duration);
    let failure: unknown;
    let connected = true;
    const analyzer = new NoiseAnalyzer({
      maxCombinations: flags.maxExceptions,
      minFields: flags.minFields,
      maxFields: Math.max(flags.maxFields, flags.minFields),
      minCount: flags.minCount,
      minShare: flags.minShare,
      ...(flags.fields && { fields: flags.fields }),
    });
    const stats: AlertLogStats = { skipped: 0, lines: 0 };
    try {
      if (live && files.length > 0)
        throw new UsageError(
          "give log files or a live input (--duration, --from, --listen-http), not both",
        );
      if (live) {
        const source = await openAlertInputs(flags);
        try {
          for await (const alert of source.alerts({
            ...filterFromFlags(flags),
            signal: run.signal,
          })) {
            analyzer.add(alert);
            if (flags.count !== undefined && analyzer.total >= flags.count) break;
          }
        } catch (error) {
          failure = error;
        } finally {
          connected = source.report.connected();
          await source.close();
        }
        // What the report may miss: disconnections, drops, refused requests.
        const loss = lossCounts(source);
        if (loss.possibleLosses + loss.dropped + rejectedTotal(loss) > 0) {
          process.stderr.write(`falco-alerts: ${formatLoss(loss)}\n`);
        }
      } else {
        if (files.length === 0 && process.stdin.isTTY)
          throw new UsageError(
            "give Falco JSON log files (or - for stdin), or read a live stream with --duration/--from/--listen-http",
          );
        const keep = compileAlertFilter(filterFromFlags(flags)) ?? ((_: Alert) => true);
        for await (const alert of readAlertLogs(files.length > 0 ? files : ["-"], stats)) {
          if (keep(alert)) analyzer.add(alert);
          if (run.signal.aborted || (flags.count !== undefined && analyzer.total >= flags.count))
            break;
        }
      }
    } catch (error) {
      process.exitCode = finish(run, error, false, flags.verbose);
      return;
    }
    if (analyzer.total === 0 && stats.lines > 0)
      process.stderr.write(
        "falco-alerts: no Falco JSON alerts in the input: Falco writes them with json_output: true\n",
      );
    const report = analyzer.report(flags.top);
    const options = { top: flags.top, color: useColor(process.stdout), topOption: "--top" };
    const text =
      flags.format === "md"
        ? renderNoiseMarkdown(report, stats.skipped, options)
        : flags.format === "falco-rules"
          ? renderFalcoRules(report, options)
          : renderNoiseTable(report, stats.skipped, options);
    process.stdout.write(text);
    let htmlError: ConfigurationError | undefined;
    if (flags.html) {
      try {
        writeFileSync(flags.html, renderNoiseHtml(report, stats.skipped, options));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        htmlError = new ConfigurationError(
          `cannot write --html ${flags.html} (${code}): check the directory and its permissions`,
        );
      }
    }
    process.exitCode = finish(run, failure, connected, flags.verbose);
    if (htmlError) {
      process.stderr.write(`falco-alerts: ${htmlError.message}\n`);
      if (process.exitCode === EXIT.ok) process.exitCode = exitCodeFor(htmlError, false);
    }
  });
}
