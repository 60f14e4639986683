// falco-alerts forward and tail --nats end to end: real processes, a real nats-server.
import { parseAlertJson } from "@falco-sdk/client";
import { type NatsTestServer, startNatsServer } from "@falco-sdk/testing/nats";
import { afterEach, describe, expect, it } from "vitest";
import { run, serve, start, useProcesses } from "../test/spec-process.js";

useProcesses();

const servers: NatsTestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s[Symbol.asyncDispose]();
});
async function nats(options?: Parameters<typeof startNatsServer>[0]) {
  const server = await startNatsServer(options);
  servers.push(server);
  return server;
}

describe("falco-alerts forward / tail --nats", () => {
  it("forwards a Falco's alerts into JetStream; tail --nats reads them back as Falco JSON", async () => {
    const broker = await nats();
    const { endpoint } = await serve(undefined, 500);
    const forward = start(["forward", "--from", endpoint, "--to", broker.url]);
    await forward.waitFor("stderr", /forwarding into stream FALCO_ALERTS/);
    const tail = await run([
      "tail",
      "--nats",
      broker.url,
      "--since",
      "all",
      "--count",
      "40",
      "--json",
    ]);
    expect(tail.code).toBe(0);
    const alerts = tail.stdout
      .trim()
      .split("\n")
      .map((line) => parseAlertJson(line));
    expect(alerts).toHaveLength(40);
    const times = alerts.map((a) => a.timeNs);
    expect(times).toEqual([...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    forward.child.kill("SIGTERM");
    const done = await forward.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toMatch(
      /forwarded \d+ alerts \(0 already in the stream\), dropped 0, rejected 0, unsent 0/,
    );
  });

  it("tail --nats --durable resumes where it stopped, and filters by priority", async () => {
    const broker = await nats();
    const { endpoint } = await serve(undefined, 500);
    const forward = start(["forward", "--from", endpoint, "--to", broker.url]);
    await forward.waitFor("stderr", /forwarding into stream FALCO_ALERTS/);
    const first = await run([
      "tail",
      "--nats",
      broker.url,
      "--durable",
      "soc",
      "--since",
      "all",
      "-n",
      "10",
      "--json",
    ]);
    const second = await run([
      "tail",
      "--nats",
      broker.url,
      "--durable",
      "soc",
      "-n",
      "10",
      "--json",
    ]);
    forward.child.kill("SIGTERM");
    const a = first.stdout
      .trim()
      .split("\n")
      .map((l) => parseAlertJson(l).timeNs);
    const b = second.stdout
      .trim()
      .split("\n")
      .map((l) => parseAlertJson(l).timeNs);
    // At least once: the 10th of the first run was in hand when it stopped, so it comes again.
    expect(b[0]).toBe(a[9]);
    expect(b.slice(1).every((t) => t > (a[9] ?? 0n))).toBe(true);
    const warnings = await run([
      "tail",
      "--nats",
      broker.url,
      "--since",
      "all",
      "-p",
      "warning",
      "-n",
      "5",
      "--json",
    ]);
    for (const line of warnings.stdout.trim().split("\n")) {
      expect(["Emergency", "Alert", "Critical", "Error", "Warning"]).toContain(
        parseAlertJson(line).priority,
      );
    }
  });

  it("wrong NATS credentials: exit 3 at once with what to fix", async () => {
    const broker = await nats({ user: { name: "falco", password: "right" } });
    const { endpoint } = await serve();
    const r = await run([
      "forward",
      "--from",
      endpoint,
      "--to",
      broker.url,
      "--nats-user",
      "falco",
      "--nats-password",
      "wrong",
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/refused the credentials/);
    const t = await run([
      "tail",
      "--nats",
      broker.url,
      "--nats-user",
      "falco",
      "--nats-password",
      "wrong",
    ]);
    expect(t.code).toBe(3);
    expect(t.stderr).toMatch(/refused the credentials/);
  });

  it("NATS unreachable: exit 3 with what to check", async () => {
    const broker = await nats();
    await broker.stop();
    const { endpoint } = await serve();
    const r = await run(["forward", "--from", endpoint, "--to", broker.url]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot connect to NATS at .*is nats-server running there/);
  });

  it("usage errors exit 2", async () => {
    const noTo = await run(["forward", "--from", "unix:///nowhere.sock"]);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toMatch(/--to needs a NATS URL/);
    const both = await run(["tail", "--nats", "nats://127.0.0.1:1", "--from", "unix:///x.sock"]);
    expect(both.code).toBe(2);
    const since = await run(["tail", "--nats", "nats://127.0.0.1:1", "--since", "yesterday-ish"]);
    expect(since.code).toBe(2);
  });
});
