// falco-alerts relay --store and --from-nats end to end: real processes, a real store
// directory, a real nats-server.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Alert, parseAlertJson } from "@falco-sdk/core";
import { openAlertStore } from "@falco-sdk/store";
import { type NatsTestServer, startNatsServer } from "@falco-sdk/testing/nats";
import { afterEach, describe, expect, it } from "vitest";
import { run, type Started, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

const brokers: NatsTestServer[] = [];
afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker[Symbol.asyncDispose]();
});

function falcoAlert(hostname: string, i: number) {
  return {
    hostname,
    output: `16:17:57.881781397: Warning Shell spawned (n=${i})`,
    output_fields: { "user.name": "root", n: i },
    priority: "Warning",
    rule: "Terminal shell in container",
    source: "syscall",
    tags: ["container"],
    time: new Date(Date.UTC(2026, 11, 5, 0, 0, 0, i)).toISOString(),
  };
}

/** POSTs alerts the way Falco's http_output does, one at a time; the 500s (a full disk), counted. */
async function post(
  url: string,
  alerts: readonly object[],
  refused?: { count: number },
): Promise<void> {
  for (const alert of alerts) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "falcosecurity/falco" },
      body: JSON.stringify(alert),
    });
    if (refused && response.status === 500) refused.count++;
    else expect(response.status).toBeLessThan(300);
  }
}

/** Every alert in the store, oldest first. */
async function storedAlerts(directory: string): Promise<(Alert & { cursor: number })[]> {
  const store = openAlertStore({ directory });
  try {
    const alerts: (Alert & { cursor: number })[] = [];
    for await (const alert of store.read({ after: 0, follow: false })) alerts.push(alert);
    return alerts;
  } finally {
    store.close();
  }
}

/** `count` alerts read from the relay's socket: every one was stored before it was served. */
const tailRelay = (socket: string, count: number) =>
  run(["tail", "-e", `unix://${socket}`, "--json", "-n", String(count)]);

async function stop(relay: Started): Promise<void> {
  relay.child.kill("SIGTERM");
  const { code, stderr } = await relay.done;
  expect(stderr).not.toMatch(/not stored/);
  expect(code).toBe(0);
}

describe("falco-alerts relay --store", () => {
  it("stores every http_output alert in order before serving it, and keeps them across a restart", async () => {
    const dir = tempDir();
    const storeDir = join(dir, "store");
    const socket = join(dir, "relay.sock");
    for (const round of [0, 1]) {
      const relay = start([
        "relay",
        "--listen-http",
        "127.0.0.1:0",
        "--serve",
        `unix://${socket}`,
        "--store",
        storeDir,
        "--retention",
        "7d",
        "--max-store-bytes",
        "64MiB",
      ]);
      await relay.waitFor("stdout", /serving Falco's gRPC API/);
      const url = (await relay.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
      const tail = start(["tail", "-e", `unix://${socket}`, "--json", "-n", "30"]);
      // Alerts that come before the tail attaches wait for the relay's first subscriber.
      await post(
        url,
        Array.from({ length: 30 }, (_, i) => falcoAlert("web-1", round * 30 + i)),
      );
      const served = await tail.done;
      expect(served.code).toBe(0);
      await stop(relay);
    }
    const stored = await storedAlerts(storeDir);
    expect(stored.map((a) => Number(a.outputFields.n))).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );
    expect(stored.map((a) => a.cursor)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(stored[0]).toMatchObject({ hostname: "web-1", rule: "Terminal shell in container" });
  });

  it("refuses an unusable --store with the flag, what to do, and exit status 3, before reading any input", async () => {
    const dir = tempDir();
    const foreign = join(dir, "foreign");
    mkdirSync(foreign);
    writeFileSync(join(foreign, "alerts.db"), "not a database\n");
    const socket = join(dir, "relay.sock");
    const args = ["--listen-http", "127.0.0.1:0", "--serve", `unix://${socket}`];
    const refused = await run(["relay", ...args, "--store", foreign]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      /--store \S+foreign: \S+alerts\.db is not a falco-sdk store .*: move that file away, or give another --store directory/,
    );
    expect(refused.stderr).not.toMatch(/http_output at/);
    expect(readFileSync(join(foreign, "alerts.db"), "utf8")).toBe("not a database\n");

    const unwritable = await run(["relay", ...args, "--store", "/proc/self/falco-store"]);
    expect(unwritable.code).toBe(3);
    expect(unwritable.stderr).toMatch(/--store \/proc\/self\/falco-store: cannot write .*--store/);

    const orphan = await run(["relay", ...args, "--max-store-bytes", "500MB"]);
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toMatch(/--max-store-bytes limits the store: give --store DIR too/);
    const natsAlone = await run(["relay", ...args, "--nats-durable", "x"]);
    expect(natsAlone.code).toBe(2);
    expect(natsAlone.stderr).toMatch(/--nats-durable: for --from-nats, which was not given/);
    const badRetention = await run(["relay", ...args, "--store", dir, "--retention", "7 days"]);
    expect(badRetention.code).toBe(2);
    expect(badRetention.stderr).toMatch(/--retention .*90s, 15m, 24h or 7d/);
  });
});

describe("falco-alerts relay --store on a damaged store", () => {
  it("exits 3 naming --store and what to do, and leaves every byte of it as it was", async () => {
    const dir = tempDir();
    const storeDir = join(dir, "store");
    const store = openAlertStore({ directory: storeDir });
    store.append(
      Array.from({ length: 200 }, (_, i) => parseAlertJson(JSON.stringify(falcoAlert("web-1", i)))),
    );
    store.close();
    const file = join(storeDir, "alerts.db");
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 100, 4096); // the schema page, after the file header
    writeFileSync(file, bytes);
    const socket = join(dir, "relay.sock");
    const refused = await run([
      ...["relay", "--listen-http", "127.0.0.1:0", "--serve", `unix://${socket}`],
      ...["--store", storeDir],
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(
      new RegExp(
        `--store ${storeDir}: .*damaged.*: keep the file for recovery \\(sqlite3's \\.recover\\) and restart with another --store directory`,
      ),
    );
    expect(refused.stderr).not.toMatch(/http_output at/);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe("falco-alerts relay --store on a small or read-only file system (tmpfs, root)", () => {
  const asRoot = process.getuid?.() === 0;

  it.runIf(asRoot)("exits 3 for a read-only file system, naming --store", async () => {
    const mnt = join(tempDir(), "ro");
    mkdirSync(mnt);
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", mnt]);
    try {
      const refused = await run([
        "relay",
        "--listen-http",
        "127.0.0.1:0",
        "--serve",
        `unix://${join(tempDir(), "relay.sock")}`,
        "--store",
        join(mnt, "store"),
      ]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/--store \S+: cannot write .*read-only file system.*--store/);
    } finally {
      execFileSync("umount", [mnt]);
    }
  });

  it.runIf(asRoot)(
    "on a full disk says what to do in flags, counts what was not stored, and keeps serving",
    async () => {
      const dir = tempDir();
      const mnt = join(dir, "small");
      mkdirSync(mnt);
      execFileSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt]);
      let relay: Started | undefined;
      try {
        const socket = join(dir, "relay.sock");
        relay = start([
          "relay",
          "--listen-http",
          "127.0.0.1:0",
          "--serve",
          `unix://${socket}`,
          "--store",
          mnt,
        ]);
        await relay.waitFor("stdout", /serving Falco's gRPC API/);
        const url = (await relay.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
        let full = false;
        const failure = relay
          .waitFor("stderr", /falco-alerts: (--store .*(?:not being stored|intake journal).*)\n/)
          .then((m) => {
            full = true;
            return m[1] as string;
          });
        let sent = 0;
        // Once the intake journal cannot be written, Falco's POSTs are answered 500, never 204
        // for an alert that is not on disk (the store's own append may fail first).
        const refused = { count: 0 };
        for (; (!full || refused.count === 0) && sent < 20_000; sent += 20) {
          await post(
            url,
            Array.from({ length: 20 }, (_, i) => falcoAlert("web-1", sent + i)),
            refused,
          );
        }
        expect(await failure).toMatch(
          new RegExp(
            `--store ${mnt}: (cannot write the intake journal, so Falco's http_output is answered 500 .*ENOSPC|` +
              "alerts are not being stored \\(\\d+ so far; subscribers still get them\\): " +
              ".*full.*free space on that disk, or restart with a smaller --max-store-bytes)",
          ),
        );
        expect(await failure).not.toMatch(/maxBytes|intakeJournal/);
        expect(refused.count).toBeGreaterThan(0);
        // Still serving: a tail gets what waited for the first subscriber.
        const accepted = sent - refused.count;
        const tail = start(["tail", "-e", `unix://${socket}`, "--json", "-n", String(accepted)]);
        expect((await tail.done).code).toBe(0);
        relay.child.kill("SIGUSR1");
        const stats = await relay.waitFor("stderr", /falco-alerts: stats (.*)\n/);
        const counters = JSON.parse(stats[1] as string) as {
          store: {
            stored: number;
            notStored: number;
            failing: boolean;
            journal: { failedWrites: number };
          };
        };
        expect(counters.store.journal.failedWrites).toBe(refused.count);
        expect(counters.store.stored + counters.store.notStored).toBe(accepted);
        relay.child.kill("SIGTERM");
        expect((await relay.done).code).toBe(0);
      } finally {
        // The relay holds the store open: it ends before the file system is unmounted.
        relay?.child.kill("SIGKILL");
        await relay?.done;
        execFileSync("umount", [mnt]);
      }
    },
  );
});

describe("falco-alerts relay --from-nats", () => {
  it("stores the fleet's alerts with their hostnames, and resumes from its durable after a restart", async () => {
    const broker = await startNatsServer();
    brokers.push(broker);
    const dir = tempDir();
    const storeDir = join(dir, "store");
    const socket = join(dir, "relay.sock");
    // Two Falcos' forwarders (http_output inputs, so the test decides what each sends).
    const forwarders = ["web-1", "db-1"].map(() =>
      start(["forward", "--listen-http", "127.0.0.1:0", "--to", broker.url]),
    );
    const urls: string[] = [];
    for (const forwarder of forwarders) {
      await forwarder.waitFor("stderr", /forwarding into stream FALCO_ALERTS/);
      urls.push((await forwarder.waitFor("stderr", /http_output at (\S+)\n/))[1] as string);
    }
    const relayArgs = [
      "relay",
      "--from-nats",
      broker.url,
      "--store",
      storeDir,
      "--serve",
      `unix://${socket}`,
    ];

    const first = start(relayArgs);
    await first.waitFor("stdout", /serving Falco's gRPC API/);
    const tail1 = start(["tail", "-e", `unix://${socket}`, "--json", "-n", "20"]);
    await post(
      urls[0]!,
      Array.from({ length: 10 }, (_, i) => falcoAlert("web-1", i)),
    );
    await post(
      urls[1]!,
      Array.from({ length: 10 }, (_, i) => falcoAlert("db-1", i)),
    );
    expect((await tail1.done).code).toBe(0);
    await stop(first);

    // While the relay is down the fleet goes on; the durable keeps its place.
    await post(
      urls[0]!,
      Array.from({ length: 5 }, (_, i) => falcoAlert("web-1", 10 + i)),
    );
    const second = start(relayArgs);
    await second.waitFor("stdout", /serving Falco's gRPC API/);
    // The relay queues for its first subscriber: the tail gets the 5 stored during its start.
    expect((await tailRelay(socket, 5)).code).toBe(0);
    await stop(second);
    for (const forwarder of forwarders) forwarder.child.kill("SIGTERM");

    const stored = await storedAlerts(storeDir);
    const byHost = (host: string) =>
      stored.filter((a) => a.hostname === host).map((a) => Number(a.outputFields.n));
    expect(stored).toHaveLength(25);
    expect(byHost("web-1")).toEqual(Array.from({ length: 15 }, (_, i) => i));
    expect(byHost("db-1")).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
