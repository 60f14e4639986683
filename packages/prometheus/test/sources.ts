// Alert sources for the exporter tests: the SDK's Falco-compatible gRPC test server over a real
// unix socket, and a real HTTP receiver fed Falco http_output POSTs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFalcoClient, type FalcoClient } from "@falco-sdk/client";
import { createHttpAlertReceiver, type HttpAlertReceiver } from "@falco-sdk/http";
import {
  type AlertInit,
  createFalcoTestServer,
  type FalcoServer,
} from "@falco-sdk/testing/servers";

export type Cleanup = () => Promise<void> | void;

/** A gRPC alert (the server's message shape). */
export function grpcAlert(init: { hostname?: string; rule?: string } = {}): AlertInit {
  return {
    time: { seconds: 1_700_000_000n },
    priority: 4,
    rule: "Write below binary dir",
    output: "File below a known binary directory opened for writing",
    outputFields: { "k8s.ns.name": "default", "k8s.pod.name": "web-0" },
    hostname: "node-7",
    tags: ["filesystem", "mitre_persistence"],
    source: "syscall",
    ...init,
  };
}

export async function grpcSource(cleanups: Cleanup[]): Promise<{
  server: FalcoServer;
  client: FalcoClient;
}> {
  const dir = mkdtempSync(join(tmpdir(), "falco-sdk-prom-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const server = await createFalcoTestServer({ listen: { socketPath: join(dir, "falco.sock") } });
  cleanups.push(() => server.stop());
  const client = createFalcoClient({
    endpoint: server.endpoint,
    reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
  });
  cleanups.push(() => client.close());
  return { server, client };
}

export async function httpSource(cleanups: Cleanup[]): Promise<{
  receiver: HttpAlertReceiver;
  post(alert: Record<string, unknown>): Promise<void>;
}> {
  const receiver = await createHttpAlertReceiver({ port: 0 });
  cleanups.push(() => receiver.close());
  return {
    receiver,
    async post(alert) {
      const response = await fetch(receiver.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "falcosecurity/falco" },
        body: JSON.stringify(alert),
      });
      if (response.status !== 204) throw new Error(`receiver answered ${response.status}`);
    },
  };
}

/** A Falco json_output alert, as http_output POSTs it. */
export function jsonAlert(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    hostname: "node-8",
    output: "12:00:00.000000000: Notice A shell was spawned in a container",
    output_fields: { "k8s.ns.name": "shop", "k8s.pod.name": "cart-1", "proc.name": "bash" },
    priority: "Notice",
    rule: "Terminal shell in container",
    source: "syscall",
    tags: ["container", "shell"],
    time: "2026-12-01T12:00:00.000000000Z",
    ...fields,
  };
}
