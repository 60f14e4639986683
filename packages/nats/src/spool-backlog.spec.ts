import { openAlertStore } from "@falco-sdk/store";
import { describe, expect, it } from "vitest";
import {
  defer,
  eventually,
  fleetAlert,
  fromArray,
  key,
  natsServer,
  readUntil,
  tempDir,
} from "../test/helpers.js";
import { alertMessageId } from "./alert-id.js";
import { subscribeFleet } from "./fleet-subscription.js";
import { createNatsForwarder } from "./forwarder.js";
import type { ForwarderStatus } from "./forwarder-status.js";
import { SPOOL_CHECKPOINT } from "./spool-backlog.js";
import { SpoolLockedError } from "./spool-errors.js";

const alerts = (host: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => fleetAlert(host, from + k));

describe("forwarder with a spool", () => {
  it("publishes through the spool in order, saves the acked cursor and empties the spool", async () => {
    const nats = await natsServer();
    const directory = tempDir();
    const forwarder = createNatsForwarder({ servers: nats.url, spool: { directory } });
    defer(() => forwarder.close());
    const sent = alerts("web-1", 0, 600);
    await forwarder.forward(fromArray(sent));
    expect(forwarder.stats()).toMatchObject({ received: 600, published: 600, backlog: 0 });
    await forwarder.close();
    const spool = openAlertStore({ directory });
    expect(spool.checkpoint(SPOOL_CHECKPOINT)).toBe(600);
    expect(spool.stats()).toMatchObject({ count: 0, lastCursor: 600 });
    spool.close();
    const got = await readUntil(
      subscribeFleet({ servers: nats.url, durable: "r", start: "all" }),
      (seen) => seen.length === 600,
    );
    expect(got.map(key)).toEqual(sent.map(key));
  });

  it("a second forwarder on the same spool directory is refused, naming spool.directory", async () => {
    const nats = await natsServer();
    const directory = tempDir();
    const first = createNatsForwarder({ servers: nats.url, spool: { directory } });
    defer(() => first.close());
    await first.forward(fromArray(alerts("a", 0, 3)));
    const second = createNatsForwarder({ servers: nats.url, spool: { directory } });
    defer(() => second.close());
    const refused = await second.forward(fromArray(alerts("a", 3, 4))).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SpoolLockedError);
    expect((refused as Error).message).toMatch(/in use by another forwarder.*spool\.directory/);
    expect((refused as SpoolLockedError).namedOptions).toEqual([
      { api: "createNatsForwarder", name: "spool.directory" },
    ]);
  });

  it("what a closed forwarder had not published, the next one on the spool publishes once", async () => {
    const nats = await natsServer();
    const directory = tempDir();
    const sent = alerts("db-1", 0, 300);
    const first = createNatsForwarder({ servers: nats.url, spool: { directory } });
    await first.forward(fromArray(sent.slice(0, 100)));
    await nats.stop();
    const stop = new AbortController();
    const reading = first.forward(fromArray(sent.slice(100)), { signal: stop.signal });
    await eventually(() => first.stats().received === 300, "the rest read into the spool");
    await first.close({ timeoutMs: 0 });
    await reading.catch(() => undefined);
    expect(first.stats()).toMatchObject({ published: 100, backlog: 200 });
    await nats.restart();
    const second = createNatsForwarder({ servers: nats.url, spool: { directory } });
    defer(() => second.close());
    const opened = (async () => {
      for await (const e of second.status()) if (e.type === "spool-opened") return e;
    })();
    await second.forward(fromArray([]));
    expect(await opened).toEqual({ type: "spool-opened", directory, unpublished: 200 });
    expect(second.stats()).toMatchObject({ received: 0, published: 200, backlog: 0 });
    const got = await readUntil(
      subscribeFleet({ servers: nats.url, durable: "r", start: "all" }),
      (seen) => seen.length === 300,
    );
    expect(got.map(key)).toEqual(sent.map(key));
    // Published again from an older checkpoint: the same Nats-Msg-Id, dropped by JetStream.
    const third = createNatsForwarder({ servers: nats.url, spool: { directory } });
    defer(() => third.close());
    await second.close();
    const spool = openAlertStore({ directory });
    spool.setCheckpoint(SPOOL_CHECKPOINT, 250);
    spool.append(sent.slice(250));
    spool.close();
    await third.forward(fromArray([]));
    expect(third.stats()).toMatchObject({ published: 50, duplicates: 50 });
    expect(alertMessageId(sent[0] as never)).toMatch(/^falco-/);
  });

  it('whenBacklogFull: "wait" with a spool stops reading at maxBacklog unpublished alerts', async () => {
    const nats = await natsServer();
    await nats.stop();
    const forwarder = createNatsForwarder({
      servers: nats.url,
      waitForServer: true,
      retry: { initialDelayMs: 50, maxDelayMs: 100 },
      whenBacklogFull: "wait",
      maxBacklog: 50,
      spool: { directory: tempDir(), durable: false },
    });
    defer(() => forwarder.close());
    let read = 0;
    const sent = alerts("w", 0, 200);
    const source = (async function* () {
      for (const alert of sent) {
        read++;
        yield alert;
      }
    })();
    const done = forwarder.forward(source);
    await eventually(() => forwarder.stats().received === 50, "the spool filled to maxBacklog");
    // The source is asked for one more only once there is room.
    expect(read).toBeLessThanOrEqual(51);
    expect(forwarder.stats().backlog).toBe(50);
    await nats.restart();
    await done;
    expect(forwarder.stats()).toMatchObject({ received: 200, published: 200, dropped: 0 });
  });

  it("a full spool removes its oldest unpublished alerts: counted and reported as dropped", async () => {
    const nats = await natsServer();
    await nats.stop();
    const directory = tempDir();
    const forwarder = createNatsForwarder({
      servers: nats.url,
      waitForServer: true,
      retry: { initialDelayMs: 50, maxDelayMs: 100 },
      spool: { directory, maxBytes: 2 * 1024 * 1024, durable: false },
    });
    defer(() => forwarder.close());
    const events: ForwarderStatus[] = [];
    void (async () => {
      for await (const e of forwarder.status()) events.push(e);
    })();
    const sent = alerts("big", 0, 10_000);
    const done = forwarder.forward(fromArray(sent));
    await eventually(() => forwarder.stats().received === 10_000, "all read into the spool");
    await nats.restart();
    await done;
    const s = forwarder.stats();
    expect(s.dropped).toBeGreaterThan(0);
    expect(s.published).toBeGreaterThan(0);
    expect(s.published + s.dropped).toBe(10_000);
    const reported = events.filter((e) => e.type === "dropped");
    expect(reported.reduce((n, e) => n + (e.type === "dropped" ? e.count : 0), 0)).toBe(s.dropped);
    // The oldest went: the stream holds the newest `published` alerts, in order.
    const got = await readUntil(
      subscribeFleet({ servers: nats.url, durable: "r", start: "all" }),
      (seen) => seen.length === s.published,
    );
    expect(got.map(key)).toEqual(sent.slice(s.dropped).map(key));
  });
});
