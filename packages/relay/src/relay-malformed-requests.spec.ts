import { join } from "node:path";
import { createFalcoClient } from "@falco-sdk/client";
import type { Alert } from "@falco-sdk/core";
import { createTestPki } from "@falco-sdk/testing";
import { describe, expect, it } from "vitest";
import { defer, eventually, tempDir } from "../test/helpers.js";
import {
  type FuzzTarget,
  fuzzCases,
  type Outcome,
  tlsTarget,
  unixTarget,
} from "../test/malformed-requests.js";
import { jsonAlert, pushableSource } from "../test/pushable-source.js";
import { createAlertRelay, type RelayStatus } from "./index.js";

const SEED = 17;

describe("malformed requests", () => {
  it("each is answered with a gRPC error or a reset and counted; a subscriber gets every alert throughout", {
    timeout: 20_000,
  }, async () => {
    const dir = tempDir();
    const pki = await createTestPki();
    const source = pushableSource();
    const relay = createAlertRelay({ sources: [source] });
    defer(() => relay.close());
    const rejections: RelayStatus[] = [];
    (async () => {
      for await (const event of relay.status()) {
        if (event.type === "request-rejected") rejections.push(event);
      }
    })();
    const socketPath = join(dir, "relay.sock");
    const unix = await relay.listen({ socketPath });
    const tcp = await relay.listen({ host: "127.0.0.1", port: 0, tls: pki.serverTls });
    const port = Number(tcp.endpoint.split(":").pop());
    const targets: FuzzTarget[] = [
      unixTarget(socketPath),
      tlsTarget(port, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey }),
    ];

    // The well-behaved subscriber: the SDK's own client, polling like client-go.
    const client = createFalcoClient({ endpoint: unix.endpoint });
    defer(() => client.close());
    const received: Alert[] = [];
    (async () => {
      for await (const alert of client.subscribe()) received.push(alert);
    })();
    await eventually(() => relay.stats().subscribers.length > 0);

    const outcomes: { target: string; name: string; outcome: Outcome; counted: number }[] = [];
    let seq = 0;
    for (const target of targets) {
      for (const fuzz of fuzzCases(SEED, 40, socketPath)) {
        source.push(jsonAlert(seq));
        const before = relay.stats().rejectedRequests;
        const outcome = await fuzz.run(target);
        const counted = relay.stats().rejectedRequests - before;
        outcomes.push({ target: target.name, name: fuzz.name, outcome, counted });
        seq++;
        // The subscriber keeps receiving: this alert arrives whatever the case did.
        await eventually(() => received.length === seq);
      }
    }

    const expectOutcome = (pattern: RegExp, outcome: RegExp) => {
      const matching = outcomes.filter((o) => pattern.test(o.name));
      expect(matching.length).toBeGreaterThan(0);
      for (const o of matching)
        expect(o, o.name).toMatchObject({ outcome: expect.stringMatching(outcome) });
    };
    // grpcio 1.57+'s authority is served like any other.
    expectOutcome(/^grpcio's percent-encoded socket path$/, /^ok$/);
    expectOutcome(
      /^(:method|no te header|message promising|undecodable|5 MiB|length prefix)/,
      /^grpc-error$/,
    );
    expectOutcome(/^(te |connection header)/, /^reset$/);
    expectOutcome(/^DATA frame/, /^goaway$/);
    // Every refused request is counted, once; connection errors (GOAWAY) are not requests.
    const refused = outcomes.filter((o) => o.outcome === "grpc-error" || o.outcome === "reset");
    console.log(
      `fuzz (seed ${SEED}): ${outcomes.length} cases, ${refused.length} refused, ` +
        `${outcomes.filter((o) => o.outcome === "goaway").length} connection errors`,
    );
    // Each one when it was answered.
    for (const o of outcomes) {
      expect(o, `${o.target} ${o.name}`).toMatchObject({ counted: refused.includes(o) ? 1 : 0 });
    }
    expect(relay.stats().rejectedRequests).toBe(refused.length);
    expect(rejections).toHaveLength(refused.length);
    expect(relay.stats()).toMatchObject({ received: seq, dropped: 0 });
    expect(received.map((alert) => alert.output)).toEqual(
      Array.from({ length: seq }, (_, i) => jsonAlert(i).output),
    );
    expect(relay.stats().subscribers).toHaveLength(1);
  });
});
