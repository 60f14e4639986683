// falco-alerts forward's spool, end to end: the scenario with real processes. NATS is
// SIGKILLed and restarted on the same store, the forwarder (the CLI as a child process) is
// SIGKILLed before its reconnect flushed, then restarted: every alert reaches the stream once.
import { join } from "node:path";
import { openAlertStore } from "@falco-sdk/store";
import { type NatsTestServer, startNatsServer } from "@falco-sdk/testing/nats";
import type { AlertInit, FalcoServer } from "@falco-sdk/testing/servers";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { type Started, start, tempDir, useProcesses } from "../test/spec-process.js";
import { EXIT } from "./exit-codes.js";

useProcesses();

const disposables: AsyncDisposable[] = [];
afterEach(async () => {
  for (const d of disposables.splice(0).reverse()) await d[Symbol.asyncDispose]();
});

async function nats(): Promise<NatsTestServer> {
  const server = await startNatsServer();
  disposables.push(server);
  return server;
}

async function falco(): Promise<FalcoServer> {
  const { createFalcoTestServer } = await import("@falco-sdk/testing/servers");
  const server = await createFalcoTestServer({
    listen: { socketPath: join(tempDir(), "falco.sock") },
  });
  disposables.push(server);
  return server;
}

/** Alerts `from` .. `to` - 1, each with evt.num = its number and its own event time. */
function alerts(from: number, to: number): AlertInit[] {
  return Array.from({ length: to - from }, (_, k) => {
    const n = from + k;
    return {
      time: { seconds: 1_780_000_000n + BigInt(n), nanos: n },
      rule: "Spool test",
      output: `spooled alert n=${n}`,
      outputFields: { "evt.num": String(n) },
      hostname: "spool-host",
      source: "syscall",
      tags: ["test"],
    };
  });
}

/** Messages in the stream now (0 while NATS is down or the stream is missing). */
async function streamCount(url: string): Promise<number> {
  const nc = await connect({ servers: url, reconnect: false }).catch(() => undefined);
  if (!nc) return 0;
  try {
    const info = await (await jetstreamManager(nc)).streams.info("FALCO_ALERTS");
    return info.state.messages;
  } catch {
    return 0;
  } finally {
    await nc.close();
  }
}

/** Every message of the stream: its Nats-Msg-Id and the alert's evt.num. */
async function streamContents(url: string): Promise<{ ids: string[]; nums: number[] }> {
  const nc = await connect({ servers: url });
  try {
    const total = (await (await jetstreamManager(nc)).streams.info("FALCO_ALERTS")).state.messages;
    const consumer = await jetstream(nc).consumers.get("FALCO_ALERTS");
    const ids: string[] = [];
    const nums: number[] = [];
    const messages = await consumer.consume();
    for await (const m of messages) {
      ids.push(m.headers?.get("Nats-Msg-Id") ?? "");
      nums.push(
        Number(m.json<{ output_fields: Record<string, string> }>().output_fields["evt.num"]),
      );
      if (ids.length === total) break;
    }
    return { ids, nums };
  } finally {
    await nc.close();
  }
}

/** Cursor of the newest alert in the spool (the forwarder has it on disk). */
function spooled(directory: string): number {
  const store = openAlertStore({ directory });
  try {
    return store.stats().lastCursor;
  } finally {
    store.close();
  }
}

const until = <T>(read: () => T | Promise<T>) =>
  expect.poll(read, { timeout: 60_000, interval: 20 });

function forward(endpoint: string, url: string, spool: string[]): Started {
  return start(["forward", "--from", endpoint, "--to", url, ...spool]);
}

describe("falco-alerts forward --spool", () => {
  it("NATS SIGKILLed and restarted, the forwarder SIGKILLed before it flushed: every alert once", async () => {
    const broker = await nats();
    const server = await falco();
    const spool = join(tempDir(), "spool");
    const first = forward(server.endpoint, broker.url, ["--spool", spool]);
    await first.waitFor(
      "stderr",
      new RegExp(`forwarding into stream FALCO_ALERTS .*spool: ${spool}`),
    );
    await server.emit(alerts(0, 300));
    await until(() => streamCount(broker.url)).toBe(300);

    await broker.kill(); // SIGKILL
    await server.emit(alerts(300, 1100));
    // Falco popped them all (its queue is destructive) and the forwarder has them on disk.
    await until(async () => (await server.stats()).delivered).toBe(1100);
    await until(() => spooled(spool)).toBe(1100);
    await broker.restart(); // the same JetStream store directory
    // The forwarder reconnects and starts flushing: killed at its first publish that landed.
    await until(() => streamCount(broker.url)).toBeGreaterThan(300);
    first.child.kill("SIGKILL");
    await first.done;
    const atKill = await streamCount(broker.url);

    await server.emit(alerts(1100, 1300)); // queued by Falco while no forwarder runs
    const second = forward(server.endpoint, broker.url, ["--spool", spool]);
    await until(() => streamCount(broker.url)).toBe(1300);
    second.child.kill("SIGTERM");
    const end = await second.done;
    expect(end.code).toBe(0);
    expect(end.stderr).toMatch(/dropped 0, rejected 0, unsent 0\n/);

    const { ids, nums } = await streamContents(broker.url);
    expect(ids).toHaveLength(1300);
    expect(new Set(ids).size).toBe(1300);
    expect([...nums].sort((a, b) => a - b)).toEqual(Array.from({ length: 1300 }, (_, i) => i));
    // Reported for the record: how much of the spool the first forwarder had flushed.
    console.log(`stream held ${atKill} of 1100 alerts when the first forwarder was killed`);
  });

  it("--no-spool: the same kill loses what Falco had handed over (the loss the spool prevents)", async () => {
    const broker = await nats();
    const server = await falco();
    const first = forward(server.endpoint, broker.url, ["--no-spool"]);
    await first.waitFor("stderr", /forwarding into stream FALCO_ALERTS .*no spool/);
    await server.emit(alerts(0, 300));
    await until(() => streamCount(broker.url)).toBe(300);
    await broker.kill();
    await server.emit(alerts(300, 1100));
    await until(async () => (await server.stats()).delivered).toBe(1100);
    first.child.kill("SIGKILL"); // the 800 alerts exist only in its memory
    await first.done;
    await broker.restart();
    await server.emit(alerts(1100, 1300));
    const second = forward(server.endpoint, broker.url, ["--no-spool"]);
    await until(() => streamCount(broker.url)).toBe(500);
    second.child.kill("SIGTERM");
    expect((await second.done).code).toBe(0);
    const { nums } = await streamContents(broker.url);
    expect(nums.filter((n) => n >= 300 && n < 1100)).toEqual([]);
  });

  it("--max-backlog is for --no-spool, --spool-max-bytes for the spool: usage errors otherwise", async () => {
    const [backlog, size, bad] = await Promise.all([
      start(["forward", "--from", "unix:///nonexistent.sock", "--max-backlog", "5"]).done,
      start(["forward", "--no-spool", "--spool-max-bytes", "1G"]).done,
      start(["forward", "--spool-max-bytes", "lots"]).done,
    ]);
    expect(backlog.code).toBe(EXIT.usage);
    expect(backlog.stderr).toMatch(/--max-backlog bounds the backlog in memory \(--no-spool\)/);
    expect(size.code).toBe(EXIT.usage);
    expect(size.stderr).toMatch(/--spool-max-bytes bounds the spool/);
    expect(bad.code).toBe(EXIT.usage);
    expect(bad.stderr).toMatch(/--spool-max-bytes takes a size in bytes/);
  });

  it("two forwarders on one --spool: the second exits naming --spool", async () => {
    const broker = await nats();
    const server = await falco();
    const spool = join(tempDir(), "shared");
    const first = forward(server.endpoint, broker.url, ["--spool", spool]);
    await first.waitFor("stderr", /forwarding into stream/);
    const second = await forward(server.endpoint, broker.url, ["--spool", spool]).done;
    expect(second.code).toBe(EXIT.connect);
    expect(second.stderr).toContain(
      `the spool directory ${spool} is in use by another forwarder: give each forwarder its own --spool`,
    );
    expect(second.stderr).not.toMatch(/spool\.directory/);
  });
});
