import { describe, expect, it } from "vitest";
import { defer, fleetAlert, fromArray, key, natsServer, readUntil } from "../test/helpers.js";
import { subscribeFleet } from "./fleet-subscription.js";
import { createNatsForwarder } from "./forwarder.js";

describe("forwarder into JetStream", () => {
  it("creates the stream, publishes each alert as Falco JSON and reads them back in order", async () => {
    const nats = await natsServer();
    const forwarder = createNatsForwarder({ servers: nats.url });
    defer(() => forwarder.close());
    const sent = Array.from({ length: 50 }, (_, i) => fleetAlert("web-1.prod", i));
    await forwarder.forward(fromArray(sent));
    expect(forwarder.stats()).toMatchObject({
      received: 50,
      published: 50,
      dropped: 0,
      backlog: 0,
    });
    const sub = subscribeFleet({ servers: nats.url, durable: "reader", start: "all" });
    const got = await readUntil(sub, (seen) => seen.length === 50);
    expect(got.map(key)).toEqual(sent.map(key));
    expect(got[3]?.outputFields).toEqual(sent[3]?.outputFields);
  });
});
