// The relay's own sub/get calls: every alert, in order, to SDK subscribers whether polls are
// answered at once (minWriteIntervalMs 0 by default, Falco's behaviour) or coalesced (2, 20 ms);
// a get drains what waits and ends OK; the option is checked.
import { join } from "node:path";
import { createFalcoClient } from "@falco-sdk/client";
import { ConfigurationError } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import { defer, eventually, take, tempDir } from "../test/helpers.js";
import { jsonAlert, pushableSource } from "../test/pushable-source.js";
import { grpcFrame, rawPeer } from "../test/raw-grpc.js";
import { createAlertRelay } from "./index.js";

async function relayOn(minWriteIntervalMs?: number) {
  const source = pushableSource();
  const relay = createAlertRelay({ sources: [source], minWriteIntervalMs });
  defer(() => relay.close());
  const socketPath = join(tempDir(), "relay.sock");
  const { endpoint } = await relay.listen({ socketPath });
  return { relay, source, endpoint, socketPath };
}

describe("outputs calls", () => {
  for (const interval of [undefined, 2, 20]) {
    it(`sub: 3 subscribers get 2,000 alerts in order (minWriteIntervalMs ${interval ?? "default"})`, async () => {
      const { relay, source, endpoint } = await relayOn(interval);
      const clients = Array.from({ length: 3 }, () => createFalcoClient({ endpoint }));
      for (const client of clients) defer(() => client.close());
      const received = clients.map((client) => take(client.subscribe(), 2000));
      await eventually(() => relay.stats().subscribers.length === 3);
      for (let i = 0; i < 2000; i++) {
        source.push(jsonAlert(i));
        if (i % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      const expected = Array.from({ length: 2000 }, (_, i) => String(i));
      for (const alerts of await Promise.all(received)) {
        expect(alerts.map((alert) => alert.outputFields.seq)).toEqual(expected);
      }
      expect(relay.stats()).toMatchObject({ received: 2000, delivered: 6000, dropped: 0 });
    });
  }

  it("get: drains what waits for it and ends OK", async () => {
    const { relay, source, socketPath } = await relayOn();
    for (let i = 0; i < 3; i++) source.push(jsonAlert(i));
    await eventually(() => relay.stats().received === 3);
    const peer = rawPeer(socketPath);
    defer(() => peer.close());
    const call = peer.call("/falco.outputs.service/get");
    call.stream.end(grpcFrame(Buffer.alloc(0)));
    expect(await call.status).toEqual({ code: 0, message: "" });
    expect(relay.stats()).toMatchObject({ delivered: 3, subscribers: [] });
  });

  it("refuses a minWriteIntervalMs that is no number of ms >= 0", () => {
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createAlertRelay({ sources: [], minWriteIntervalMs: bad })).toThrow(
        ConfigurationError,
      );
    }
  });
});
