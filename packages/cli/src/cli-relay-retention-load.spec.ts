// Retention under load: falco-alerts relay --store --max-store-bytes while Falco's http_output
// posts far more than the limit holds, followed live and read late. Real processes, a real store.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import { falcoAlertBody as body, postBurst } from "../test/falco-http-poster.js";
import { tempDir, useProcesses } from "../test/spec-process.js";
import { follow } from "../test/sse-follower.js";
import { startStoreRelay } from "../test/store-relay.js";

useProcesses();

const ALERTS = 20_000;
/** Room for a few thousand of the test's alerts: retention removes most of the burst. */
const MAX_BYTES = 1024 * 1024;

// A stream client that stops reading (its receive buffer small, so that the kernel cannot hold
// megabytes for it) until told to go on (a line on stdin), then prints each alert's cursor
// ("id N") and each gap ("gap N") until cursor `last`. HTTP/1.0: the stream is not chunked.
const PAUSED_READER = `
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/v1/alerts/stream?after=0 HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n")
print("sent", flush=True)
sys.stdin.readline()
out = []
for line in s.makefile("rb"):
    if line.startswith(b"id: "):
        out.append("id " + line[4:].decode().strip())
        if out[-1] == "id " + sys.argv[2]:
            break
    elif line.startswith(b'data: {"missed":'):
        out.append("gap " + line[16:].split(b",")[0].decode())
print("\\n".join(out), flush=True)
`;

interface Stats {
  count: number;
  removed: number;
  bytes: number;
  firstCursor: number;
  lastCursor: number;
  relay: { store: { stored: number; notStored: number } };
}

describe("falco-alerts relay --store --max-store-bytes under load", () => {
  it("keeps the store within the limit, the newest alerts whole, and every removal counted or reported", async () => {
    const storeDir = join(tempDir(), "store");
    const { relay, api, input } = await startStoreRelay(storeDir, [
      ...["--max-store-bytes", String(MAX_BYTES)],
    ]);
    // A follower from the start: it gets each alert, or a gap for those removed before it read
    // them.
    const live = follow(api, 0, (seen) => {
      if (seen.cursor === ALERTS) live.stop();
    });
    await live.ready;
    // And one that stops reading from the start, and reads on when the burst is well past
    // what its socket buffers hold (about 6,000 of these alerts) and what the store keeps.
    const paused = spawn("python3", ["-c", PAUSED_READER, new URL(api).port, String(ALERTS)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    let pausedOut = "";
    paused.stdout.on("data", (d) => {
      pausedOut += d;
    });
    const pausedDone = new Promise((resolve) => paused.once("exit", resolve));
    await new Promise((resolve) => paused.stdout.once("data", resolve));
    const burst = await postBurst(input, 0, ALERTS, body, (i) => {
      if (i === 15_000) paused.stdin.write("go\n");
    });
    expect(burst).toEqual({ answered: ALERTS, sent: ALERTS, refused: 0 });
    const followed = await live.done;
    for (let i = 1; i < followed.length; i++) {
      expect(followed[i]!.cursor).toBeGreaterThan(followed[i - 1]!.cursor);
    }
    for (const seen of followed) expect(seen.n).toBe(seen.cursor - 1);
    const missed = live.gaps.reduce((a, b) => a + b, 0);
    expect(followed.length + missed).toBe(ALERTS);

    // The paused reader: the alerts it had, a gap for those removed meanwhile, then the rest.
    expect(await pausedDone).toBe(0);
    let last = 0;
    let got = 0;
    let gaps = 0;
    for (const line of pausedOut.split("\n").slice(1)) {
      const [kind, value] = line.split(" ");
      if (kind === "gap") gaps += Number(value);
      if (kind !== "id") continue;
      expect(Number(value)).toBeGreaterThan(last);
      last = Number(value);
      got++;
    }
    expect(last).toBe(ALERTS);
    expect(gaps).toBeGreaterThan(0);
    expect(got + gaps).toBe(ALERTS);

    const stats = (await (await fetch(`${api}/api/v1/stats`)).json()) as Stats;
    expect(stats.relay.store).toMatchObject({ stored: ALERTS, notStored: 0 });
    expect(stats.lastCursor).toBe(ALERTS);
    expect(stats.removed).toBeGreaterThan(ALERTS / 2);
    expect(stats.count + stats.removed).toBe(ALERTS);
    expect(stats.firstCursor).toBe(stats.removed + 1);
    expect(stats.bytes).toBeLessThanOrEqual(MAX_BYTES);

    // A reader that comes late: first a gap with what retention removed, then the rest.
    const late = follow(api, 0, (seen) => {
      if (seen.cursor === ALERTS) late.stop();
    });
    const kept = await late.done;
    expect(late.gaps).toEqual([stats.removed]);
    expect(kept.map((a) => a.n)).toEqual(
      Array.from({ length: stats.count }, (_, i) => stats.removed + i),
    );
    relay.child.kill("SIGTERM");
    expect((await relay.done).code).toBe(0);

    // Reopened: the same alerts, within the limit.
    const store = openAlertStore({ directory: storeDir, maxBytes: MAX_BYTES });
    try {
      expect(store.stats()).toMatchObject({
        count: stats.count,
        removed: stats.removed,
        lastCursor: ALERTS,
      });
      expect(store.stats().bytes).toBeLessThanOrEqual(MAX_BYTES);
    } finally {
      store.close();
    }
  }, 120_000);
});
