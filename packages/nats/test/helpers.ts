// Shared pieces of the NATS tests: real nats-server processes, alerts, cleanup.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Alert, PRIORITIES, parseAlertJson } from "@falco-sdk/client";
import {
  type NatsServerOptions,
  type NatsTestCluster,
  type NatsTestServer,
  startNatsCluster,
  startNatsServer,
} from "@falco-sdk/testing/nats";
import { afterEach } from "vitest";
import type { FleetSubscription } from "../src/index.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) {
    const t = Date.now();
    await cleanup();
    if (process.env.DEBUG_CLEANUP && Date.now() - t > 200)
      console.log("slow cleanup", Date.now() - t, String(cleanup).slice(0, 120));
  }
}, 60_000);

/** Runs `fn` after the current test, even when it fails. */
export function defer(fn: () => unknown): void {
  cleanups.push(fn);
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "falco-nats-test-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function natsServer(options?: NatsServerOptions): Promise<NatsTestServer> {
  const server = await startNatsServer(options);
  defer(() => server[Symbol.asyncDispose]());
  return server;
}

export async function natsCluster(size = 3): Promise<NatsTestCluster> {
  const cluster = await startNatsCluster(size);
  defer(() => cluster[Symbol.asyncDispose]());
  return cluster;
}

const BASE_NS = BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n;

/** The `i`-th alert of host `host`: unique per (host, i), realistic Falco JSON. */
export function fleetAlert(host: string, i: number, priority = PRIORITIES[i % 8]): Alert {
  const ns = BASE_NS + BigInt(i) * 1_000_003n;
  const seconds = ns / 1_000_000_000n;
  const nanos = (ns % 1_000_000_000n).toString().padStart(9, "0");
  const time = `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${nanos}Z`;
  return parseAlertJson({
    hostname: host,
    output: `${time}: ${priority} Shell spawned in a container (user=root n=${i})`,
    output_fields: {
      "container.id": `c${i}`,
      "evt.num": i,
      "user.name": "root",
      "k8s.pod.name": null,
    },
    priority: priority ?? "Warning",
    rule: "Terminal shell in container",
    source: "syscall",
    tags: ["container", "shell"],
    time,
  });
}

export async function* fromArray(alerts: readonly Alert[]): AsyncGenerator<Alert> {
  for (const alert of alerts) yield alert;
}

/** What identifies an alert in these tests. */
export const key = (a: Alert) => `${a.hostname}|${a.timeNs}`;

/** Takes `count` alerts from a subscription, then leaves the loop (acking all but the last). */
export async function take(sub: AsyncIterable<Alert>, count: number): Promise<Alert[]> {
  const got: Alert[] = [];
  if (count === 0) return got;
  for await (const alert of sub) {
    got.push(alert);
    if (got.length >= count) break;
  }
  return got;
}

/** Reads until `done(seen)` says so; acks everything read. */
export async function readUntil(
  sub: FleetSubscription,
  done: (seen: Alert[]) => boolean,
): Promise<Alert[]> {
  const got: Alert[] = [];
  const iterator = sub[Symbol.asyncIterator]();
  while (!done(got)) {
    const next = await iterator.next();
    if (next.done) break;
    got.push(next.value);
  }
  // Asking for the next one acks the last; then end without holding an alert.
  sub.unsubscribe();
  await iterator.next();
  return got;
}

/** Polls `check` until it holds (no fixed sleeps for ordering). */
export async function eventually(check: () => boolean | Promise<boolean>, what = "condition") {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A Falco test server (Node, unix socket) whose alerts all carry `hostname`. */
export async function falcoHost(hostname: string) {
  const { createFalcoTestServer } = await import("@falco-sdk/testing/servers");
  const { createAlertGenerator } = await import("@falco-sdk/testing/fixtures");
  const server = await createFalcoTestServer({
    listen: { socketPath: join(tempDir(), "falco.sock") },
  });
  defer(() => server[Symbol.asyncDispose]());
  const generator = createAlertGenerator({ hostname, seed: hostname.length + 7 });
  return { server, generator };
}

/** Runs `forwarder.forward(client.subscribe())` until the test ends. */
export async function forwardFromFalco(
  forwarder: import("../src/index.js").NatsForwarder,
  endpoint: string,
) {
  const { createFalcoClient } = await import("@falco-sdk/client");
  const client = createFalcoClient({ endpoint, reconnect: { initialDelayMs: 50 } });
  const stop = new AbortController();
  const done = forwarder.forward(client.subscribe({ pollIntervalMs: 20 }), { signal: stop.signal });
  done.catch(() => undefined); // a test that expects a failure reads it from `done`
  defer(async () => {
    stop.abort();
    await done.catch(() => undefined);
    await client.close();
  });
  return { client, done, stop };
}

/** A node child process running one of this folder's scripts; `lines` fills as it prints. */
export function nodeProcess(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  let partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    lines.push(...parts);
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  // "close", not "exit": after "exit" the child's last lines may still be in the pipe.
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  defer(kill);
  return { child, lines, kill, stderr: () => stderr };
}
