// 100 clients of falco-alerts relay --serve-http's stream, one of them never reading: the others
// get every alert while it is stuck. Real processes: the relay, a client in Python that never
// reads, alerts posted like Falco's http_output.
import { spawn } from "node:child_process";
import { get } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { falcoAlertBody as body, postBurst } from "../test/falco-http-poster.js";
import { tempDir, useProcesses } from "../test/spec-process.js";
import { startStoreRelay } from "../test/store-relay.js";

useProcesses();

const CLIENTS = 100;
/**
 * Alerts posted. The client that never reads holds what fills its socket buffers (about 6,000
 * of these alerts, 3.4 MB, on Linux's default loopback buffers) plus the relay's 256 KiB per
 * stream; twice that, so that it is stuck long before the others are done.
 */
const ALERTS = 12_000;

// Sends its request, then never reads: its receive buffer set small before it connects (so that
// the kernel cannot absorb megabytes on its behalf, as loopback autotuning would).
const NEVER_READS = `
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/v1/alerts/stream?after=0 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
print("sent", flush=True)
time.sleep(600)
`;

const ID = Buffer.from("\nid: ");

/**
 * A stream client that reads everything and checks, without decoding the alerts, that their
 * ids are 1, 2, 3... (every alert, in order, once); resolves when it has `count` of them.
 */
function reader(url: string, count: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(`${url}/api/v1/alerts/stream?after=0`, (response) => {
      let last = 0;
      let carry: Buffer = Buffer.alloc(0);
      response.on("data", (chunk: Buffer) => {
        const buf = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
        let at = buf.indexOf(ID);
        let kept = buf.length - (ID.length - 1);
        while (at >= 0) {
          const end = buf.indexOf(10, at + ID.length);
          if (end < 0) {
            kept = at;
            break;
          }
          const id = Number(buf.toString("latin1", at + ID.length, end));
          if (id !== last + 1) {
            request.destroy();
            reject(new Error(`alert ${id} after ${last}`));
            return;
          }
          last = id;
          at = buf.indexOf(ID, end);
        }
        carry = buf.subarray(Math.max(0, kept));
        if (last === count) {
          request.destroy();
          resolve(last);
        }
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

async function apiStats(url: string) {
  const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as {
    api: {
      streamsOpen: number;
      streamsOpened: number;
      streamedAlerts: number;
      slowDisconnects: number;
    };
  };
  return stats.api;
}

describe("falco-alerts relay --serve-http with 100 stream clients", () => {
  it("one that never reads does not hold back the 99 others: they get every alert while it is stuck", async () => {
    const { relay, api, input } = await startStoreRelay(join(tempDir(), "store"));
    const stuck = spawn("python3", ["-c", NEVER_READS, new URL(api).port], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      await new Promise((resolve) => stuck.stdout.once("data", resolve));
      const readers = Array.from({ length: CLIENTS - 1 }, () => reader(api, ALERTS));
      while ((await apiStats(api)).streamsOpen < CLIENTS) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const burst = await postBurst(input, 0, ALERTS, body);
      expect(burst).toEqual({ answered: ALERTS, sent: ALERTS, refused: 0 });
      expect(await Promise.all(readers)).toEqual(Array(CLIENTS - 1).fill(ALERTS));
      // The stuck stream was written less than every alert while the others had them all: no
      // reader waited for it. It is still open (or, had the relay's 30 s come, disconnected and
      // counted), and the relay holds no more for it than its socket's buffers.
      const stats = await apiStats(api);
      expect(stats.streamsOpened).toBe(CLIENTS);
      const toStuck = stats.streamedAlerts - (CLIENTS - 1) * ALERTS;
      expect(toStuck).toBeGreaterThan(0);
      expect(toStuck).toBeLessThan(ALERTS);
      expect(stats.streamsOpen + stats.slowDisconnects).toBeGreaterThanOrEqual(1);
      relay.child.kill("SIGTERM");
      expect((await relay.done).code).toBe(0);
    } finally {
      stuck.kill("SIGKILL");
    }
  }, 120_000);
});
