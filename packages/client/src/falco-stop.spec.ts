// A subscriber never holds Falco back: Falco's stop and reloads (GOAWAY, then a
// wait for every open call) complete whatever the consumer does, a reload loses
// nothing, and what the SDK itself discards is counted in status(). Against the
// SDK's Node server and the gRPC C-core server, which both stop like Falco.
import { describe, expect, it } from "vitest";
import {
  alerts,
  defer,
  eventually,
  recordStatus,
  SERVER_KINDS,
  startServer,
  take,
} from "../test/servers.js";
import type { ClientStatus } from "./client-status.js";
import { createFalcoClient } from "./falco-client.js";

const rulesOf = (items: readonly { rule?: string }[]) => items.map((a) => a.rule);

describe.each(SERVER_KINDS)(
  "Falco's stop and reload with a blocked consumer, $name",
  ({ start }) => {
    const client = (endpoint: string) => {
      const c = createFalcoClient({ endpoint, reconnect: { initialDelayMs: 50 } });
      defer(() => c.close());
      return c;
    };
    const disconnects = (status: ClientStatus[]) => status.filter((s) => s.type === "disconnected");

    it("a reload completes while the consumer is blocked, and loses nothing (queue 10 stays 10)", async () => {
      const server = await startServer(start);
      const falco = client(server.endpoint);
      const status = recordStatus(falco);
      const first = alerts(20);
      await server.emit(first);
      const sub = falco.subscribe({ maxBufferedAlerts: 4 });
      const it = sub[Symbol.asyncIterator]();
      await take(it, 1); // the consumer now blocks: no more polls, 19 wait in the SDK
      await eventually(async () => (await server.stats()).queued === 0); // one drain took all 20
      const later = alerts(10, 2);
      await server.emit(later); // waits in Falco's queue: nobody asks for it
      const requests = (await server.stats()).requests;
      await server.reload({ timeoutMs: 60_000 }); // resolves although the consumer never moved
      // The SDK cancelled its call instead of polling: Falco popped nothing.
      expect(await server.stats()).toMatchObject({ queued: 10, dropped: 0, requests });
      const rest = await take(it, 29);
      expect(rulesOf(rest)).toEqual(rulesOf([...first.slice(1), ...later]));
      await it.return?.();
      expect(disconnects(status)).toEqual([
        expect.objectContaining({ alertsMayHaveBeenLost: false }),
      ]);
    });

    it("a stop completes while a write is held by flow control behind a blocked consumer, and the alert Falco pops after that write is reported", async () => {
      const server = await startServer(start);
      const falco = client(server.endpoint);
      const status = recordStatus(falco);
      const total = 300;
      const big = alerts(total).map((a, i) => ({ ...a, output: `${i} ${"x".repeat(20_000)}` }));
      await server.emit(big);
      const it = falco.subscribe({ maxBufferedAlerts: 4 })[Symbol.asyncIterator]();
      await take(it, 1); // the consumer blocks; the SDK stops reading at 16: Falco's write waits
      await server.stop({ timeoutMs: 60_000 }); // resolves although the consumer never moved
      const stats = await server.stats();
      // Falco's stop check comes after its next pop: once the held write
      // completed, it popped one more alert and discarded it.
      expect(stats.dropped).toBe(1);
      const handedOver = total - stats.queued - stats.dropped;
      // Bounded: the 4 x 4 buffered, what the HTTP/2 window held, and Falco's last write.
      expect(handedOver).toBeLessThan(64);
      const rest = await take(it, handedOver - 1);
      expect(rest.map((a) => a.output.split(" ")[0])).toEqual(
        Array.from({ length: handedOver - 1 }, (_, i) => String(i + 1)),
      );
      const pending = it.next(); // the subscription moves on: the stream's end is reported
      await eventually(() => disconnects(status).length > 0);
      expect(disconnects(status)[0]).toMatchObject({
        alertsMayHaveBeenLost: true,
        possibleLosses: 1,
      });
      falco.close();
      expect((await pending).done).toBe(true);
    });

    it("counts alerts discarded by ending a subscription in status()", async () => {
      const server = await startServer(start);
      const falco = client(server.endpoint);
      const status = recordStatus(falco);
      await server.emit(alerts(50));
      const sub = falco.subscribe({ maxBufferedAlerts: 64 });
      const it = sub[Symbol.asyncIterator]();
      await take(it, 1);
      await eventually(() => sub.pending === 49); // all received, one handed over
      await it.return?.();
      await eventually(() => status.some((s) => s.type === "dropped"));
      expect(status.filter((s) => s.type === "dropped")).toEqual([
        { type: "dropped", count: 49, total: 49 },
      ]);
      expect(sub.pending).toBe(0);
    });
  },
);
