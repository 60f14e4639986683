// Runs index.mjs as a real process against the SDK's Falco-compatible test
// server over a unix socket, and scrapes its /metrics over HTTP.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFalcoTestServer, type FalcoServer } from "@falco-sdk/testing/servers";
import { afterEach, describe, expect, it } from "vitest";

const here = fileURLToPath(new URL(".", import.meta.url));
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function startExporter(endpoint: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["index.mjs"], {
    cwd: here,
    env: { ...process.env, FALCO_GRPC_ENDPOINT: endpoint, METRICS_PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => {
    child.kill("SIGTERM");
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (d: Buffer) => {
      const m = /on (http:\/\/\S+\/metrics)/.exec(d.toString());
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.once("exit", (code) => reject(new Error(`exporter exited ${code}: ${stderr}`)));
  });
}

async function scrapeUntil(url: string, pattern: RegExp, tries = 100): Promise<string> {
  let body = "";
  for (let i = 0; i < tries; i++) {
    body = await (await fetch(url)).text();
    if (pattern.test(body)) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`metrics never matched ${pattern}:\n${body}`);
}

describe("prometheus exporter example", () => {
  it("counts alerts from the server in falco_events and reports the connection", async () => {
    const dir = mkdtempSync(join(tmpdir(), "falco-exporter-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const server: FalcoServer = await createFalcoTestServer({
      listen: { socketPath: join(dir, "falco.sock") },
    });
    cleanups.push(() => server.stop());
    const { child, url } = await startExporter(server.endpoint);
    const alert = {
      time: { seconds: 1700000000n },
      priority: 4,
      rule: "Write below binary dir",
      output: "File below a known binary directory opened for writing",
      outputFields: { "k8s.ns.name": "default", "k8s.pod.name": "web-0" },
      hostname: "node-7",
      tags: ["filesystem", "mitre_persistence"],
      source: "syscall",
    };
    await server.emit([alert, alert, alert]);
    const body = await scrapeUntil(url, /falco_events\{[^}]*\} 3/);
    expect(body).toContain(
      'falco_events{rule="Write below binary dir",priority="4",hostname="node-7",source="syscall",' +
        'k8s_ns_name="default",k8s_pod_name="web-0",tags=",filesystem,mitre_persistence,"} 3',
    );
    expect(body).toMatch(/^falco_sdk_connected 1$/m);
    expect(await fetch(url.replace("/metrics", "/readiness")).then((r) => r.status)).toBe(204);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
