// Shared set-up of the relay's tests: temp dirs, cleanup, an upstream test Falco and a relay.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFalcoClient, type FalcoClient } from "@falco-sdk/client";
import type { Alert } from "@falco-sdk/core";
import { createFalcoTestServer, type NodeFalcoServer } from "@falco-sdk/testing/servers";
import { afterEach } from "vitest";
import {
  type AlertRelay,
  type AlertRelayOptions,
  createAlertRelay,
  type RelayStatus,
  relaySourceFromClient,
} from "../src/index.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `fn` after the current test, even when it fails. */
export function defer(fn: () => unknown): void {
  cleanups.push(fn);
}

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "falco-relay-"));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A Node test Falco on a unix socket in `dir`. */
export async function startUpstream(dir: string): Promise<NodeFalcoServer> {
  const server = await createFalcoTestServer({
    listen: { socketPath: join(dir, "falco.sock") },
    stopTimeoutMs: 2000,
  });
  defer(() => server.crash());
  return server;
}

/** A client of `endpoint` that reconnects quickly (tests of restarts). */
export function clientOf(endpoint: string): FalcoClient {
  const client = createFalcoClient({
    endpoint,
    waitForServer: true,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  defer(() => client.close());
  return client;
}

/** A relay reading `upstream` (a gRPC endpoint) and serving on `dir`/relay.sock. */
export async function startRelay(
  dir: string,
  upstream: string | undefined,
  options: Partial<AlertRelayOptions> = {},
): Promise<{ relay: AlertRelay; endpoint: string; socketPath: string; events: RelayStatus[] }> {
  const sources = upstream === undefined ? [] : [relaySourceFromClient(clientOf(upstream))];
  const relay = createAlertRelay({ ...options, sources: [...sources, ...(options.sources ?? [])] });
  defer(() => relay.close());
  const events: RelayStatus[] = [];
  (async () => {
    for await (const event of relay.status()) events.push(event);
  })();
  const socketPath = join(dir, "relay.sock");
  const { endpoint } = await relay.listen({ socketPath });
  return { relay, endpoint, socketPath, events };
}

/** Polls `probe` until it returns true (the test's own timeout bounds the wait). */
export async function eventually(probe: () => boolean | Promise<boolean>): Promise<void> {
  // One turn of the event loop first (what is already on its way arrives), then every 10 ms.
  if (await probe()) return;
  await new Promise((resolve) => setImmediate(resolve));
  while (!(await probe())) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** Collects `count` alerts from an iterable of alerts. */
export async function take(alerts: AsyncIterable<Alert>, count: number): Promise<Alert[]> {
  const got: Alert[] = [];
  if (count === 0) return got;
  for await (const alert of alerts) {
    got.push(alert);
    if (got.length >= count) break;
  }
  return got;
}

/** Alerts numbered by output field `seq`, for order checks. */
export function numberedAlerts(count: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    time: { seconds: BigInt(1_700_000_000 + i), nanos: i },
    priority: 4,
    rule: "Numbered",
    output: `alert ${from + i}`,
    outputFields: { seq: String(from + i) },
    hostname: "upstream-1",
    source: "syscall",
    tags: ["a", "b"],
  }));
}
