// The seeded fuzz of test/malformed-requests.ts against the relay and the Node test server
// behind `falco-alerts serve`, over a unix socket and mutual TLS, while a well-behaved
// subscriber (the SDK's client) must get every alert.
import { join } from "node:path";
import { createFalcoClient } from "@falco-sdk/client";
import type { Alert } from "@falco-sdk/core";
import { createTestPki, type TestPki } from "@falco-sdk/testing/pki";
import { createFalcoTestServer } from "@falco-sdk/testing/servers";
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
import { createAlertRelay, type RelayStatus, responseFromAlert } from "./index.js";

const SEED = 17;
const CASES = 40;

interface Served {
  readonly unixEndpoint: string;
  readonly socketPath: string;
  readonly port: number;
  push(seq: number): void;
  rejected(): number;
}

interface Outcomes {
  readonly outcomes: { target: string; name: string; outcome: Outcome; counted: number }[];
  readonly refused: number;
  readonly sent: number;
}

/** Runs the fuzz over unix and mTLS; before each case one alert for the subscriber. */
async function fuzz(served: Served, pki: TestPki): Promise<Outcomes> {
  const targets: FuzzTarget[] = [
    unixTarget(served.socketPath),
    tlsTarget(served.port, { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey }),
  ];
  // The well-behaved subscriber: the SDK's own client.
  const client = createFalcoClient({ endpoint: served.unixEndpoint });
  defer(() => client.close());
  const received: Alert[] = [];
  (async () => {
    for await (const alert of client.subscribe()) received.push(alert);
  })();

  const outcomes: Outcomes["outcomes"] = [];
  let sent = 0;
  for (const target of targets) {
    for (const fuzzCase of fuzzCases(SEED, CASES, served.socketPath)) {
      served.push(sent++);
      // The subscriber keeps receiving: each alert arrives, whatever the cases before did.
      await eventually(() => received.length === sent);
      const before = served.rejected();
      const outcome = await fuzzCase.run(target);
      const counted = served.rejected() - before;
      outcomes.push({ target: target.name, name: fuzzCase.name, outcome, counted });
    }
  }
  expect(received.map((alert) => alert.output)).toEqual(
    Array.from({ length: sent }, (_, i) => jsonAlert(i).output),
  );

  const expectOutcome = (pattern: RegExp, outcome: RegExp) => {
    const matching = outcomes.filter((o) => pattern.test(o.name));
    expect(matching.length).toBeGreaterThan(0);
    for (const o of matching) {
      expect(o, o.name).toMatchObject({ outcome: expect.stringMatching(outcome) });
    }
  };
  // grpcio 1.57+'s authority is served like any other.
  expectOutcome(/^grpcio's percent-encoded socket path$/, /^ok$/);
  expectOutcome(
    /^(:method|no te header|message promising|undecodable|5 MiB|length prefix)/,
    /^grpc-error$/,
  );
  expectOutcome(/^(te |connection header)/, /^reset$/);
  expectOutcome(/^DATA frame/, /^goaway$/);
  // Every refused request is counted once, as it is answered; a connection error (GOAWAY)
  // is no request.
  const refused = outcomes.filter((o) => o.outcome === "grpc-error" || o.outcome === "reset");
  for (const o of outcomes) {
    expect(o, `${o.target} ${o.name}`).toMatchObject({ counted: refused.includes(o) ? 1 : 0 });
  }
  console.log(
    `fuzz (seed ${SEED}): ${outcomes.length} cases, ${refused.length} refused, ` +
      `${outcomes.filter((o) => o.outcome === "goaway").length} connection errors`,
  );
  return { outcomes, refused: refused.length, sent };
}

describe("malformed requests", () => {
  it("relay: each is answered with a gRPC error or a reset and counted; a subscriber gets every alert throughout", {
    timeout: 30_000,
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
    const result = await fuzz(
      {
        unixEndpoint: unix.endpoint,
        socketPath,
        port: Number(tcp.endpoint.split(":").pop()),
        push: (seq) => source.push(jsonAlert(seq)),
        rejected: () => relay.stats().rejectedRequests,
      },
      pki,
    );
    expect(relay.stats()).toMatchObject({
      rejectedRequests: result.refused,
      received: result.sent,
      dropped: 0,
    });
    expect(rejections).toHaveLength(result.refused);
    // The subscriber, and the `get` calls of the connections nghttp2 closed with GOAWAY: those
    // end when their silent connection leaves a PING unanswered (grpc-server's idleCheckMs,
    // 60 s; dead-sessions.spec.ts).
    expect(relay.stats().subscribers.filter((s) => s.kind === "sub")).toHaveLength(1);
  });

  it("falco-alerts serve's server: the same, counted in its stats", {
    timeout: 30_000,
  }, async () => {
    const dir = tempDir();
    const pki = await createTestPki();
    const socketPath = join(dir, "falco.sock");
    const unix = await createFalcoTestServer({ listen: { socketPath } });
    defer(() => unix.crash());
    const tcp = await createFalcoTestServer({
      listen: { host: "127.0.0.1", port: 0, tls: pki.serverTls },
    });
    defer(() => tcp.crash());
    const result = await fuzz(
      {
        unixEndpoint: unix.endpoint,
        socketPath,
        port: Number(tcp.endpoint.split(":").pop()),
        push: (seq) => unix.emitSync(responseFromAlert(jsonAlert(seq))),
        rejected: () =>
          (unix.statsSync().rejectedRequests ?? 0) + (tcp.statsSync().rejectedRequests ?? 0),
      },
      pki,
    );
    expect(unix.state).toBe("listening");
    expect(tcp.state).toBe("listening");
    expect(unix.statsSync()).toMatchObject({ delivered: result.sent, dropped: 0, subscribers: 1 });
  });
});
