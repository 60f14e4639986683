// falco-alerts metrics end to end: a real process reading `falco-alerts serve` (gRPC) or
// receiving http_output POSTs, scraped over HTTP.
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, serve, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

const status = async (url: string) => (await fetch(url)).status;

/** Scrapes until `pattern` matches (bounded attempts): waits on alerts, never on time. */
async function scrapeUntil(url: string, pattern: RegExp): Promise<string> {
  let body = "";
  for (let i = 0; i < 300; i++) {
    body = await (await fetch(url)).text();
    if (pattern.test(body)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`metrics never matched ${pattern}:\n${body}`);
}

describe("falco-alerts metrics", () => {
  it("--from: counts gRPC alerts as falco_events and Falco's naming, probes on their own listener, SIGTERM exits 0", async () => {
    const { endpoint } = await serve();
    const metrics = start([
      "metrics",
      "--from",
      endpoint,
      "--metrics-listen",
      "127.0.0.1:0",
      "--probes-listen",
      "127.0.0.1:0",
    ]);
    const m = await metrics.waitFor(
      "stderr",
      /serving metrics at (http:\/\/\S+\/metrics); probes on (http:\/\/\S+)\n/,
    );
    const [, url = "", probes = ""] = m;
    const body = await scrapeUntil(url, /^falco_events\{.*\} \d+$/m);
    const line = body.split("\n").find((l) => l.startsWith("falco_events{")) ?? "";
    expect(line).toMatch(
      /^falco_events\{rule="[^"]+",priority="[0-7]",hostname="[^"]*",source="\w+",k8s_ns_name="[^"]*",k8s_pod_name="[^"]*",tags=",[^"]*,"\} \d+$/,
    );
    expect(body).toMatch(
      /^falcosecurity_falco_rules_matches_total\{rule_name="[^"]+",priority="[0-7]"/m,
    );
    expect(body).toMatch(/^falco_sdk_connected 1$/m);
    expect(body).toMatch(/^falco_sdk_series_limit 10000$/m);
    expect(await status(`${probes}/readiness`)).toBe(204);
    expect(await status(`${probes}/liveness`)).toBe(204);
    metrics.child.kill("SIGTERM");
    const r = await metrics.done;
    expect(r.code).toBe(0);
  });

  it("--wait: /readiness is 503 until Falco comes up, then 204; liveness always 204", async () => {
    const dir = tempDir();
    const socket = join(dir, "falco.sock");
    const metrics = start([
      "metrics",
      "--wait",
      "--from",
      `unix://${socket}`,
      "--metrics-listen",
      "127.0.0.1:0",
    ]);
    const [, url = ""] = await metrics.waitFor("stderr", /serving metrics at (\S+)\n/);
    const base = url.replace("/metrics", "");
    await metrics.waitFor("stderr", /waiting for Falco/);
    expect(await status(`${base}/readiness`)).toBe(503);
    expect(await status(`${base}/liveness`)).toBe(204);
    expect(await (await fetch(url)).text()).toMatch(/^falco_sdk_connected 0$/m);
    await serve(["--socket", socket]);
    for (let i = 0; i < 300 && (await status(`${base}/readiness`)) !== 204; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await status(`${base}/readiness`)).toBe(204);
    await scrapeUntil(url, /^falco_events\{.*\} \d+$/m);
    metrics.child.kill("SIGTERM");
    expect((await metrics.done).code).toBe(0);
  });

  it("--listen-http: counts Falco 0.44+ http_output POSTs; --max-series caps them", async () => {
    const metrics = start([
      "metrics",
      "--listen-http",
      "127.0.0.1:0",
      "--metrics-listen",
      "127.0.0.1:0",
      "--max-series",
      "1",
      "--no-falco-native",
    ]);
    const [, receiver = ""] = await metrics.waitFor("stderr", /http_output at (\S+)\n/);
    const [, url = ""] = await metrics.waitFor("stderr", /serving metrics at (\S+)\n/);
    expect(await status(url.replace("/metrics", "/readiness"))).toBe(204);
    for (const pod of ["api-0", "api-1"]) {
      const posted = await fetch(receiver, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "falcosecurity/falco" },
        body: JSON.stringify({
          output: "10:00:00.000000001: Critical Bucket deleted",
          output_fields: { "k8s.ns.name": "prod", "k8s.pod.name": pod },
          priority: "Critical",
          rule: "Delete Bucket",
          source: "aws_cloudtrail",
          tags: ["aws"],
          time: "2026-03-01T10:00:00.000000001Z",
          hostname: "falco-0",
        }),
      });
      expect(posted.status).toBe(204);
    }
    const body = await scrapeUntil(url, /^falco_sdk_series_limit_hits_total 1$/m);
    expect(body).toContain(
      'falco_events{rule="Delete Bucket",priority="2",hostname="falco-0",source="aws_cloudtrail",k8s_ns_name="prod",k8s_pod_name="api-0",tags=",aws,"} 1',
    );
    expect(body).toContain('falco_events{rule="_overflow_",priority="2",');
    await metrics.waitFor("stderr", /1 alert series reached: .*raise --max-series/);
    expect(body).not.toContain("falcosecurity_falco_rules_matches_total");
    metrics.child.kill("SIGTERM");
    expect((await metrics.done).code).toBe(0);
  });

  it("says what to do when the metrics address is taken (exit 3) or malformed (exit 2)", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const r = await run([
        "metrics",
        "--listen-http",
        "127.0.0.1:0",
        "--metrics-listen",
        `127.0.0.1:${port}`,
      ]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        new RegExp(
          `cannot serve metrics on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\): another process`,
        ),
      );
    } finally {
      taken.close();
    }
    const bad = await run(["metrics", "--metrics-listen", "localhost:http"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--metrics-listen takes \[host:\]port/);
  });
});
