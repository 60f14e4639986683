// A real Prometheus (Debian's prometheus package, from scripts/ensure-system-deps.sh) for the
// tests: a temporary config scraping the given targets every 500 ms, a temporary TSDB, loopback
// only. Started and stopped by the tests that use it.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One series of a Prometheus instant query result. */
export interface Sample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export interface PrometheusServer {
  readonly url: string;
  /** Runs an instant query through /api/v1/query. */
  query(expr: string): Promise<Sample[]>;
  /** Label values through /api/v1/label/NAME/values (what Grafana's label_values uses). */
  labelValues(label: string, match: string): Promise<string[]>;
  /**
   * Polls `expr` until `accept` holds for its result, at most `attempts` times (100 ms apart);
   * throws with the last result otherwise. For waiting on scrapes, never for timing.
   */
  waitFor(
    expr: string,
    accept: (samples: Sample[]) => boolean,
    attempts?: number,
  ): Promise<Sample[]>;
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

function checkInstalled(): void {
  if (spawnSync("prometheus", ["--version"], { stdio: "ignore" }).status === 0) return;
  throw new Error(
    "these tests need a real Prometheus: run scripts/ensure-system-deps.sh (as root) or " +
      "apt-get install prometheus",
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`Prometheus: ${body.error} (${url})`);
  return body.data;
}

function config(targets: readonly string[], metricsPath: string): string {
  return [
    "global:",
    "  scrape_interval: 500ms",
    "  scrape_timeout: 400ms",
    "  evaluation_interval: 500ms",
    "scrape_configs:",
    "  - job_name: falco-exporter",
    `    metrics_path: ${metricsPath}`,
    "    static_configs:",
    `      - targets: [${targets.map((t) => JSON.stringify(t)).join(", ")}]`,
    "",
  ].join("\n");
}

/** Starts Prometheus and waits until it is ready and every target has been scraped up. */
export async function startPrometheus(options: {
  targets: readonly string[];
  metricsPath?: string;
}): Promise<PrometheusServer> {
  checkInstalled();
  const dir = mkdtempSync(join(tmpdir(), "falco-sdk-prometheus-"));
  writeFileSync(
    join(dir, "prometheus.yml"),
    config(options.targets, options.metricsPath ?? "/metrics"),
  );
  let child: ChildProcess | undefined;
  let url = "";
  let log = "";
  // The port is picked free then handed over; if someone takes it in between, pick another.
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const started = spawn(
      "prometheus",
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--log.level=warn",
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    started.stderr?.on("data", (d) => {
      log += d;
    });
    const exited = new Promise<number | null>((resolve) => started.once("exit", resolve));
    for (let i = 0; i < 600; i++) {
      const state = await Promise.race([
        exited.then(() => "exited" as const),
        fetch(`${url}/-/ready`).then(
          (r) => (r.ok ? ("ready" as const) : ("wait" as const)),
          () => "wait" as const,
        ),
      ]);
      if (state === "ready") {
        child = started;
        break;
      }
      if (state === "exited") {
        if (!/address already in use/.test(log)) throw new Error(`prometheus exited:\n${log}`);
        break;
      }
      await pause(100);
    }
    if (!child && started.exitCode === null) {
      started.kill("SIGKILL");
      throw new Error(`prometheus never became ready:\n${log}`);
    }
  }
  if (!child) throw new Error(`prometheus could not listen:\n${log}`);
  const running = child;

  const server: PrometheusServer = {
    url,
    async query(expr) {
      const data = await api<{
        result: { metric: Record<string, string>; value: [number, string] }[];
      }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    labelValues(label, match) {
      return api<string[]>(
        `${url}/api/v1/label/${encodeURIComponent(label)}/values?match[]=${encodeURIComponent(match)}`,
      );
    },
    async waitFor(expr, accept, attempts = 600) {
      let last: Sample[] = [];
      for (let i = 0; i < attempts; i++) {
        last = await server.query(expr);
        if (accept(last)) return last;
        await pause(100);
      }
      throw new Error(`${expr} never matched; last result: ${JSON.stringify(last)}`);
    },
    async stop() {
      if (running.exitCode === null) {
        const exited = new Promise((resolve) => running.once("exit", resolve));
        running.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.waitFor(
      "up",
      (s) => s.length === options.targets.length && s.every((x) => x.value === 1),
    );
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}
