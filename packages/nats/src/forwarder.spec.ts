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

  it("closed while it connects: the connection that comes up after close() is closed too", async () => {
    const nats = await natsServer({ extraConfig: 'http: "127.0.0.1:-1"' });
    const monitor = /Starting http monitor on (\S+)/.exec(nats.log())?.[1];
    expect(monitor).toBeDefined();
    const name = `early-close-${process.pid}`;
    const forwarder = createNatsForwarder({ servers: nats.url, name });
    defer(() => forwarder.close());
    const forwarding = forwarder.forward(fromArray([fleetAlert("early", 1)]));
    await forwarder.close(); // before the connection is up
    await forwarding;
    // The server saw the forwarder's connection, and saw it closed (it stayed open before).
    await eventually(async () => {
      const connz = await fetch(`http://${monitor}/connz?state=closed`);
      const { connections = [] } = (await connz.json()) as { connections?: { name?: string }[] };
      return connections.some((c) => c.name === name);
    }, "the server to see the forwarder's connection closed");
  });
});
