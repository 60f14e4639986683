import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import {
  defer,
  eventually,
  fleetAlert,
  fromArray,
  key,
  natsServer,
  readUntil,
} from "../test/helpers.js";
import { fleetSubject, subscribeFleet } from "./fleet-subscription.js";
import { createNatsForwarder } from "./forwarder.js";

describe("fleetSubject", () => {
  it("narrows the subject for one host, source or priority, and leaves the rest to the client", () => {
    expect(fleetSubject("falco.alerts")).toBe("falco.alerts.>");
    expect(fleetSubject("falco.alerts", { hosts: ["web-1.prod"] })).toBe(
      "falco.alerts.web-1_prod.*.*",
    );
    expect(fleetSubject("f", { sources: ["k8s_audit"], priorities: ["Critical"] })).toBe(
      "f.*.k8s_audit.critical",
    );
    expect(fleetSubject("f", { hosts: ["a", "b"], minPriority: "Warning" })).toBe("f.>");
    expect(fleetSubject("f", { minPriority: "Emergency" })).toBe("f.*.*.emergency");
  });
});

describe("subscribeFleet", () => {
  it("filters by host, source and priority, on the server where the subject can", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const alerts = ["web.1", "web_1", "db"].flatMap((h) =>
      Array.from({ length: 16 }, (_, i) => fleetAlert(h, i)),
    );
    await forwarder.forward(fromArray(alerts));
    // "web.1" and "web_1" share a subject token; the client-side check tells them apart.
    const web = await readUntil(
      subscribeFleet({
        servers: nats.url,
        durable: "web",
        start: "all",
        filter: { hosts: ["web.1"] },
      }),
      (seen) => seen.length === 16,
    );
    expect(web.map(key)).toEqual(alerts.filter((a) => a.hostname === "web.1").map(key));
    const severe = await readUntil(
      subscribeFleet({
        servers: nats.url,
        durable: "severe",
        start: "all",
        filter: { hosts: ["db"], minPriority: "Error" },
      }),
      (seen) => seen.length === 8,
    );
    expect(severe.map((a) => a.priority)).toEqual([
      "Emergency",
      "Alert",
      "Critical",
      "Error",
      "Emergency",
      "Alert",
      "Critical",
      "Error",
    ]);
    const nc = await connect({ servers: nats.url });
    defer(() => nc.close());
    const jsm = await jetstreamManager(nc);
    expect((await jsm.consumers.info("FALCO_ALERTS", "severe")).config.filter_subject).toBe(
      "falco.alerts.db.*.*",
    );
  });

  it("starts from now, from the beginning, or from a time (replay)", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const first = Array.from({ length: 10 }, (_, i) => fleetAlert("r", i));
    const second = Array.from({ length: 10 }, (_, i) => fleetAlert("r", 100 + i));
    await forwarder.forward(fromArray(first));
    const nc = await connect({ servers: nats.url });
    defer(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const lastStored = Date.parse((await jsm.streams.info("FALCO_ALERTS")).state.last_ts);
    await eventually(() => Date.now() > lastStored + 1, "the clock to pass the first batch");
    const between = new Date();
    // "new" sees only what comes after it started.
    const live = subscribeFleet({ servers: nats.url, start: "new" });
    const liveIterator = live[Symbol.asyncIterator]();
    const firstLive = liveIterator.next();
    await eventually(
      async () => (await jsm.consumers.list("FALCO_ALERTS").next()).length === 1,
      "consumer",
    );
    await forwarder.forward(fromArray(second));
    expect(key((await firstLive).value)).toBe(key(second[0] ?? fleetAlert("x", 0)));
    live.unsubscribe();
    await liveIterator.next();

    const all = await readUntil(
      subscribeFleet({ servers: nats.url, start: "all" }),
      (s) => s.length === 20,
    );
    expect(all.map(key)).toEqual([...first, ...second].map(key));
    const replay = await readUntil(
      subscribeFleet({ servers: nats.url, start: between }),
      (s) => s.length === 10,
    );
    expect(replay.map(key)).toEqual(second.map(key));
  });

  it("without the stream: NatsStreamError, or with waitForStream a wait until a forwarder creates it", async () => {
    const nats = await natsServer();
    const missing = subscribeFleet({ servers: nats.url });
    await expect(missing[Symbol.asyncIterator]().next()).rejects.toMatchObject({
      code: "nats-stream",
      message: expect.stringMatching(/there is no stream FALCO_ALERTS/),
    });
    const patient = subscribeFleet({ servers: nats.url, start: "all", waitForStream: true });
    const events: string[] = [];
    void (async () => {
      for await (const e of patient.status()) events.push(e.type);
    })();
    const first = patient[Symbol.asyncIterator]().next();
    await eventually(() => events.includes("waiting-for-stream"), "waiting-for-stream");
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    await forwarder.forward(fromArray([fleetAlert("late", 1)]));
    expect(key((await first).value)).toBe(key(fleetAlert("late", 1)));
    patient.unsubscribe();
  });

  it("unsubscribe() while it waits for the stream ends the loop and closes", async () => {
    const nats = await natsServer();
    const patient = subscribeFleet({ servers: nats.url, waitForStream: true });
    const events: string[] = [];
    void (async () => {
      for await (const e of patient.status()) events.push(e.type);
    })();
    const first = patient[Symbol.asyncIterator]().next();
    await eventually(() => events.includes("waiting-for-stream"), "waiting-for-stream");
    patient.unsubscribe();
    expect(await first).toEqual({ done: true, value: undefined });
    expect(await patient.closed).toEqual({ reason: "unsubscribed" });
    await eventually(() => events.at(-1) === "closed", "the closed event");
  });

  it("is an AlertSubscription: one loop, await using, pending, closed with why", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const sent = Array.from({ length: 5 }, (_, i) => fleetAlert("c", i));
    await forwarder.forward(fromArray(sent));
    const events: string[] = [];
    {
      await using sub = subscribeFleet({ servers: nats.url, start: "all", maxBufferedAlerts: 8 });
      void (async () => {
        for await (const e of sub.status()) events.push(e.type);
      })();
      const iterator = sub[Symbol.asyncIterator]();
      expect(() => sub[Symbol.asyncIterator]()).toThrow(
        expect.objectContaining({ code: "already-iterated" }),
      );
      expect(key((await iterator.next()).value)).toBe(key(sent[0] ?? fleetAlert("?", 0)));
      await eventually(() => sub.pending === 4, "the rest fetched ahead");
    }
    await eventually(() => events.at(-1) === "closed", "closed after await using");

    const stop = new AbortController();
    const aborted = subscribeFleet({ servers: nats.url, start: "all", signal: stop.signal });
    const first = aborted[Symbol.asyncIterator]();
    await first.next();
    stop.abort();
    expect(await first.next()).toEqual({ done: true, value: undefined });
    expect(await aborted.closed).toEqual({ reason: "aborted" });
    const after: unknown[] = [];
    for await (const e of aborted.status()) after.push(e);
    expect(after).toEqual([{ type: "closed", reason: "aborted" }]);

    const never = subscribeFleet({ servers: nats.url });
    never.unsubscribe();
    expect(await never.closed).toEqual({ reason: "unsubscribed" });
  });

  it("a durable redelivers the alert in hand when the loop ends without asking for the next", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const sent = Array.from({ length: 5 }, (_, i) => fleetAlert("x", i));
    await forwarder.forward(fromArray(sent));
    const options = {
      servers: nats.url,
      durable: "d",
      start: "all" as const,
      maxBufferedAlerts: 1,
    };
    for await (const alert of subscribeFleet(options)) {
      expect(key(alert)).toBe(key(sent[0] ?? alert));
      break; // e.g. the handler threw: this alert was not acknowledged
    }
    const again = await readUntil(subscribeFleet(options), (s) => s.length === 5);
    expect(again.map(key)).toEqual(sent.map(key));
  });
});
