import type { Alert } from "@falco-sdk/core";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { describe, expect, it } from "vitest";
import { defer, eventually, fleetAlert, fromArray, key, natsServer } from "../test/helpers.js";
import { subscribeFleet } from "./fleet-subscription.js";
import { createNatsForwarder } from "./forwarder.js";

describe("subscribeFleet({ ackAfter })", () => {
  it("acknowledges each alert once its promise resolves, without holding the loop", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const sent = Array.from({ length: 10 }, (_, i) => fleetAlert("a", i));
    await forwarder.forward(fromArray(sent));
    const nc = await connect({ servers: nats.url });
    defer(() => nc.close());
    const jsm = await jetstreamManager(nc);
    const unacked = async () => (await jsm.consumers.info("FALCO_ALERTS", "later")).num_ack_pending;

    let release: () => void = () => {};
    const stored = new Promise<void>((resolve) => {
      release = resolve;
    });
    const asked: Alert[] = [];
    const sub = subscribeFleet({
      servers: nats.url,
      durable: "later",
      start: "all",
      ackAfter: (alert) => {
        asked.push(alert);
        return stored;
      },
    });
    const iterator = sub[Symbol.asyncIterator]();
    const got: Alert[] = [];
    for (let i = 0; i < 10; i++) got.push((await iterator.next()).value as Alert);
    expect(got.map(key)).toEqual(sent.map(key));
    // The loop asks for an 11th: the 10th is handled too, none acknowledged yet.
    const eleventh = iterator.next();
    await eventually(() => asked.length === 10, "ackAfter for the 10th alert");
    expect(asked.map(key)).toEqual(sent.map(key));
    expect(await unacked()).toBe(10);
    release();
    await eventually(async () => (await unacked()) === 0, "the acks");
    sub.unsubscribe();
    expect((await eleventh).done).toBe(true);
    expect(await sub.closed).toEqual({ reason: "unsubscribed" });
  });

  it("leaves an alert whose promise rejects unacknowledged: delivered again after ackWaitMs", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const sent = [fleetAlert("b", 0), fleetAlert("b", 1)];
    await forwarder.forward(fromArray(sent));
    let refused = 0;
    const sub = subscribeFleet({
      servers: nats.url,
      durable: "retry",
      start: "all",
      ackWaitMs: 500,
      ackAfter: (alert) => {
        if (key(alert) === key(sent[0] as Alert) && refused++ === 0) {
          return Promise.reject(new Error("not stored"));
        }
        return Promise.resolve();
      },
    });
    const seen: string[] = [];
    for await (const alert of sub) {
      seen.push(key(alert));
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([key(sent[0] as Alert), key(sent[1] as Alert), key(sent[0] as Alert)]);
  });
});
