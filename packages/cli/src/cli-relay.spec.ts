// falco-alerts relay end to end, as real processes.
import { existsSync, statSync } from "node:fs";
import { connect, type OutgoingHttpHeaders } from "node:http2";
import { connect as netConnect } from "node:net";
import { join } from "node:path";
import { parseAlertJson } from "@falco-sdk/client";
import { describe, expect, it } from "vitest";
import { run, type Started, serve, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

const FALCO_ALERT = {
  hostname: "web-1",
  output: "16:17:57.881781397: Warning Shell spawned (user=root)",
  output_fields: { "user.name": "root", "proc.pid": 42, "container.image.repository": null },
  priority: "Warning",
  rule: "Terminal shell in container",
  source: "syscall",
  tags: ["container", "shell"],
  time: "2022-05-01T23:29:32.918828894Z",
};

/** The relay's counters, as SIGUSR1 prints them on stderr. */
async function relayStats(
  relay: Started,
): Promise<{ subscribers: unknown[]; delivered: number; rejectedRequests: number }> {
  const seen = (await relay.waitFor("stderr", /^/)).input.split("falco-alerts: stats ").length;
  relay.child.kill("SIGUSR1");
  const pattern = new RegExp(`^(?:[\\s\\S]*?falco-alerts: stats .*\\n){${seen}}`);
  const m = await relay.waitFor("stderr", pattern);
  const last = m[0].trim().split("\n").pop() ?? "";
  return JSON.parse(last.slice(last.indexOf("{")));
}

/** Waits until the relay counts `count` subscribers. */
async function subscribed(relay: Started, count: number): Promise<void> {
  while ((await relayStats(relay)).subscribers.length < count) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Calls `version` on a unix socket with `headers` over a gRPC call's; resolves with grpc-status. */
function versionCall(socketPath: string, headers: OutgoingHttpHeaders): Promise<number> {
  return new Promise((resolve, reject) => {
    const session = connect("http://localhost", { createConnection: () => netConnect(socketPath) });
    session.on("error", reject);
    const stream = session.request(
      Object.fromEntries(
        Object.entries({
          ":method": "POST",
          ":path": "/falco.version.service/version",
          "content-type": "application/grpc",
          te: "trailers",
          ...headers,
        }).filter(([, value]) => value !== undefined),
      ),
    );
    let status = -1;
    const note = (fields: Record<string, unknown>) => {
      if (fields["grpc-status"] !== undefined) status = Number(fields["grpc-status"]);
    };
    stream.on("response", note);
    stream.on("trailers", note);
    stream.resume();
    stream.on("close", () => {
      session.close();
      resolve(status);
    });
    stream.end(Buffer.alloc(5));
  });
}

describe("falco-alerts relay", () => {
  it("serve and relay survive grpcio 1.57+'s :authority (the socket path) and count a request without te", async () => {
    const { endpoint, server } = await serve();
    const dir = tempDir();
    const socket = join(dir, "relay.sock");
    const relay = start(["relay", "--from", endpoint, "--serve", `unix://${socket}`]);
    await relay.waitFor("stdout", /serving Falco's gRPC API/);
    for (const path of [endpoint.slice("unix://".length), socket]) {
      // What grpcio 1.57 and later send on every unix:// call.
      const authority = encodeURIComponent(path.slice(1));
      expect(await versionCall(path, { ":authority": authority })).toBe(0);
      expect(await versionCall(path, { te: undefined })).toBe(13); // INTERNAL
    }
    await relay.waitFor(
      "stderr",
      /refused a malformed request from \S+ \(invalid-headers\): te header missing/,
    );
    expect((await relayStats(relay)).rejectedRequests).toBe(1);
    // Both still serve.
    const tail = await run(["tail", "-e", `unix://${socket}`, "--json", "-n", "5"]);
    expect(tail.code).toBe(0);
    expect(server.child.exitCode).toBe(null);
    relay.child.kill("SIGTERM");
    expect((await relay.done).code).toBe(0);
  });

  it("serves http_output alerts on Falco's gRPC socket (mode 0660) to every tail, and exits 0 on SIGTERM", async () => {
    const dir = tempDir();
    const socket = join(dir, "relay.sock");
    const relay = start(["relay", "--listen-http", "127.0.0.1:0", "--serve", `unix://${socket}`]);
    await relay.waitFor("stdout", /serving Falco's gRPC API on unix:\/\/\S+\n/);
    const url = (await relay.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
    expect(statSync(socket).mode & 0o777).toBe(0o660);

    const tails = [1, 2].map(() => start(["tail", "-e", `unix://${socket}`, "--json", "-n", "3"]));
    await subscribed(relay, 2);
    for (let i = 0; i < 3; i++) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "User-Agent": "falcosecurity/falco" },
        body: JSON.stringify({
          ...FALCO_ALERT,
          output_fields: { ...FALCO_ALERT.output_fields, i },
        }),
      });
      expect(response.status).toBeLessThan(300);
    }
    for (const tail of tails) {
      const result = await tail.done;
      expect(result.code).toBe(0);
      const alerts = result.stdout
        .trim()
        .split("\n")
        .map((line) => parseAlertJson(line));
      expect(alerts.map((a) => a.outputFields.i)).toEqual(["0", "1", "2"]);
      expect(alerts[0]).toMatchObject({
        rule: FALCO_ALERT.rule,
        hostname: "web-1",
        tags: ["container", "shell"],
      });
      expect(alerts[0]?.outputFields["container.image.repository"]).toBe("<NA>");
    }

    relay.child.kill("SIGTERM");
    const exit = await relay.done;
    expect(exit.code).toBe(0);
    expect(existsSync(socket)).toBe(false);
  });

  it("relays a gRPC Falco to several consumers that each get every alert", async () => {
    const { endpoint } = await serve();
    const dir = tempDir();
    const socket = join(dir, "relay.sock");
    const relay = start(["relay", "--from", endpoint, "--serve", `unix://${socket}`]);
    await relay.waitFor("stdout", /serving Falco's gRPC API/);
    const results = await Promise.all(
      [1, 2].map(() => run(["tail", "-e", `unix://${socket}`, "--json", "-n", "20"])),
    );
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(
        result.stdout
          .trim()
          .split("\n")
          .map((l) => parseAlertJson(l).rule),
      ).toHaveLength(20);
    }
    // Falco's one queue would have split the stream between them; each got its own 20.
    expect((await relayStats(relay)).delivered).toBeGreaterThanOrEqual(40);
    relay.child.kill("SIGINT");
    expect((await relay.done).code).toBe(0);
  });

  it("refuses plaintext TCP, a missing --serve and incomplete TLS with a usage error", async () => {
    const plain = await run(["relay", "--listen-http", "0", "--serve", "127.0.0.1:0"]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/--serve-insecure-plaintext/);
    const none = await run(["relay", "--listen-http", "0"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--serve/);
    const partial = await run([
      "relay",
      "--listen-http",
      "0",
      "--serve",
      "127.0.0.1:0",
      "--serve-cert",
      "x",
    ]);
    expect(partial.code).toBe(2);
  });
});
