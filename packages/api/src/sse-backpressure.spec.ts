import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AlertStore } from "@falco-sdk/store";
import { afterEach, describe, expect, it } from "vitest";
import { type AlertApi, createAlertApi } from "./alert-api.js";
import { removeTempDirs, SseClient, tempStore, testAlerts, until } from "./test-helpers.js";

// A client that sends its request and never reads: its receive buffer set small before it
// connects (so the kernel cannot absorb megabytes on its behalf, as loopback autotuning would).
const NEVER_READS = `
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", int(sys.argv[1])))
s.sendall(b"GET /api/v1/alerts/stream HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
print("sent", flush=True)
time.sleep(600)
`;

let open: { server: Server; api: AlertApi; store: AlertStore; child: ChildProcess } | undefined;
afterEach(async () => {
  if (open) {
    open.child.kill("SIGKILL");
    open.api.close();
    open.server.closeAllConnections();
    await new Promise((r) => open?.server.close(r));
    open.store.close();
    open = undefined;
  }
  removeTempDirs();
});

describe("a stream whose client stops reading", () => {
  it("stops taking alerts for it, does not slow the others, and is disconnected and counted", async () => {
    const store = tempStore();
    const api = createAlertApi({ store, stuckTimeoutMs: 2000 });
    const server = createServer(api);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const child = spawn("python3", ["-c", NEVER_READS, String(port)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    open = { server, api, store, child };
    await until(() => api.stats().streamsOpen === 1);
    const url = `http://127.0.0.1:${port}/api/v1/alerts/stream`;
    const readers = Array.from({ length: 3 }, () => new SseClient(url));
    for (const r of readers) await r.next("caught-up");
    const total = 8000;
    for (let i = 0; i < total; i += 100) {
      store.append(testAlerts(i, i + 100, undefined, 2048)); // ~16 MiB in all
      await new Promise((r) => setImmediate(r));
    }
    for (const r of readers) {
      let last = 0;
      while (last < total) {
        const e = await r.next("alert");
        expect(Number(e.id)).toBe(last + 1);
        last = Number(e.id);
      }
    }
    await until(() => api.stats().slowDisconnects === 1);
    const stats = api.stats();
    expect(stats.streamsOpen).toBe(3);
    // The stuck stream took what filled its socket buffers (a few MiB), not all 16 MiB.
    expect(stats.streamedAlerts - 3 * total).toBeLessThan(total / 2);
    for (const r of readers) r.close();
  });
});
