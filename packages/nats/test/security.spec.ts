// Authentication and TLS towards a real nats-server: what works, and clear errors with no
// retry storm for what does not.
import { writeTestPki } from "@falco-sdk/testing/pki";
import { describe, expect, it } from "vitest";
import { createNatsForwarder, NatsAuthError, NatsTlsError, subscribeFleet } from "../src/index.js";
import { defer, fleetAlert, fromArray, natsServer, readUntil, tempDir } from "./helpers.js";

const authFailures = (log: string) =>
  log.split("\n").filter((l) => /authoriz|authentica/i.test(l)).length;

describe("NATS authentication", () => {
  it("user and password: forwards and reads with the right ones", async () => {
    const nats = await natsServer({ user: { name: "falco", password: "s3cret" } });
    const auth = { servers: nats.url, user: "falco", password: "s3cret" };
    const forwarder = createNatsForwarder(auth);
    defer(() => forwarder.close());
    await forwarder.forward(fromArray([fleetAlert("h", 1), fleetAlert("h", 2)]));
    const got = await readUntil(subscribeFleet({ ...auth, start: "all" }), (s) => s.length === 2);
    expect(got.map((a) => a.outputFields["evt.num"])).toEqual([1, 2]);
  });

  it("a wrong password fails at once with NatsAuthError, even when waiting for the server", async () => {
    const nats = await natsServer({ user: { name: "falco", password: "s3cret" } });
    for (const waitForServer of [false, true]) {
      const forwarder = createNatsForwarder({
        servers: nats.url,
        user: "falco",
        password: "wrong",
        waitForServer,
        retryDelayMs: 10,
      });
      defer(() => forwarder.close());
      const error = await forwarder.forward(fromArray([fleetAlert("h", 1)])).catch((e) => e);
      expect(error).toBeInstanceOf(NatsAuthError);
      expect(error.code).toBe("nats-auth");
      expect(error.message).toMatch(/refused the credentials.*--nats-user/);
    }
    // One attempt each, no retry storm: the server saw two failed logins in all. (A later
    // successful login proves the log is complete up to here.)
    const ok = createNatsForwarder({ servers: nats.url, user: "falco", password: "s3cret" });
    defer(() => ok.close());
    await ok.forward(fromArray([fleetAlert("h", 1)]));
    expect(authFailures(nats.log())).toBe(2);
    const sub = subscribeFleet({ servers: nats.url, user: "falco", password: "nope" });
    await expect(sub[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(NatsAuthError);
    const end = await sub.closed;
    expect(end.reason === "failed" && end.error).toBeInstanceOf(NatsAuthError);
  });

  it("token authentication", async () => {
    const nats = await natsServer({ token: "t0ken" });
    const forwarder = createNatsForwarder({ servers: nats.url, token: "t0ken" });
    defer(() => forwarder.close());
    await forwarder.forward(fromArray([fleetAlert("h", 1)]));
    expect(forwarder.stats().published).toBe(1);
    const bad = createNatsForwarder({ servers: nats.url, token: "other" });
    defer(() => bad.close());
    await expect(bad.forward(fromArray([fleetAlert("h", 1)]))).rejects.toBeInstanceOf(
      NatsAuthError,
    );
  });
});

describe("TLS to NATS", () => {
  it("mutual TLS works with the CA and a client certificate; clear errors without them", async () => {
    const pki = await writeTestPki(tempDir());
    const nats = await natsServer({
      tls: { certFile: pki.serverCert, keyFile: pki.serverKey, caFile: pki.caCert, verify: true },
    });
    const good = createNatsForwarder({
      servers: nats.url,
      tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey },
    });
    defer(() => good.close());
    await good.forward(fromArray([fleetAlert("tls-host", 1)]));
    expect(good.stats().published).toBe(1);

    const untrusted = createNatsForwarder({
      servers: nats.url,
      tls: { ca: pki.rogueCaCert, cert: pki.clientCert, key: pki.clientKey },
    });
    defer(() => untrusted.close());
    const e1 = await untrusted.forward(fromArray([fleetAlert("h", 1)])).catch((e) => e);
    expect(e1).toBeInstanceOf(NatsTlsError);
    expect(e1.message).toMatch(/--nats-ca/);

    const noClientCert = createNatsForwarder({
      servers: nats.url,
      tls: { ca: pki.caCert },
      connectTimeoutMs: 2000,
    });
    defer(() => noClientCert.close());
    const e2 = await noClientCert.forward(fromArray([fleetAlert("h", 1)])).catch((e) => e);
    expect(e2).toBeInstanceOf(NatsTlsError);
    expect(e2.message).toMatch(/--nats-cert/);
  });
});
