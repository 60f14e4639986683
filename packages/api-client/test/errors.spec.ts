// What a user who gets something wrong is told, against the real server: credentials, an
// address where nothing listens, TLS, a URL that is not the API, a silent stream.
import { ConfigurationError } from "@falco-sdk/core";
import { createTestPki } from "@falco-sdk/testing/pki";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AlertStreamStatus,
  ApiBadResponseError,
  ApiUnauthorizedError,
  ApiUnreachableError,
  createAlertStreamClient,
} from "../src/index.js";
import { cleanUp, StatusLog, startApi, testAlerts } from "./api-fixture.js";

afterEach(cleanUp);

const fast = { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 };

/** How a subscription's loop ends: the error it throws. */
async function loopError(iterable: AsyncIterable<unknown>): Promise<unknown> {
  try {
    for await (const _ of iterable) return undefined;
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("credentials", () => {
  it("without token: ends at once and says to pass token", async () => {
    const api = await startApi({ token: "s3cret-token" });
    const client = createAlertStreamClient({ url: api.url, reconnect: fast });
    const error = await loopError(client.subscribe());
    expect(error).toBeInstanceOf(ApiUnauthorizedError);
    expect(error).toMatchObject({ code: "api-unauthorized", status: 401 });
    expect((error as Error).message).toMatch(/requires credentials \(HTTP 401\): give token$/);
    await expect(client.stats()).rejects.toBeInstanceOf(ApiUnauthorizedError);
  });

  it("with a wrong token: says the token was refused; the right one works", async () => {
    const api = await startApi({ token: "s3cret-token" });
    api.store.append(testAlerts(0, 2));
    const wrong = createAlertStreamClient({ url: api.url, token: "guess" });
    const error = await loopError(wrong.subscribe({ resumeFrom: 0 }));
    expect((error as Error).message).toMatch(
      /refused the credentials given as token \(HTTP 401\): check token$/,
    );
    const right = createAlertStreamClient({ url: api.url, token: "s3cret-token" });
    for await (const alert of right.subscribe({ resumeFrom: 0 })) {
      expect(alert.cursor).toBe(1);
      break;
    }
    expect((await right.query()).alerts.length).toBe(2);
  });
});

describe("reaching the server", () => {
  it("nothing listening: the first connection fails fast, naming url", async () => {
    const api = await startApi();
    await api.stop();
    const client = createAlertStreamClient({ url: api.url });
    const error = await loopError(client.subscribe());
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect(error).toMatchObject({ errno: "ECONNREFUSED" });
    expect((error as Error).message).toContain("check url and that the API server runs");
  });

  it("waitForServer: retries until the server comes up, reporting each failure", async () => {
    const api = await startApi();
    await api.stop();
    const client = createAlertStreamClient({ url: api.url, waitForServer: true, reconnect: fast });
    const subscription = client.subscribe({ resumeFrom: 0 });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const first = subscription[Symbol.asyncIterator]().next();
    await log.waitFor((e) => e.type === "disconnected" && e.failures === 3);
    await api.start();
    api.store.append(testAlerts(0, 1));
    expect((await first).value).toMatchObject({ cursor: 1 });
    const delays = log.events.flatMap((e) => (e.type === "disconnected" ? [e.retryInMs] : []));
    expect(delays.slice(0, 3)).toEqual([20, 32, 51]);
    subscription.unsubscribe();
  });

  it("a URL that is not the API: HTTP 404, naming url", async () => {
    const api = await startApi();
    const client = createAlertStreamClient({ url: `${api.url}/not-here` });
    const error = await loopError(client.subscribe());
    expect(error).toBeInstanceOf(ApiBadResponseError);
    expect((error as Error).message).toMatch(/HTTP 404.*url is the API's base URL/);
  });

  it("a stream that falls silent (no heartbeat) is reconnected after idleTimeoutMs", async () => {
    const api = await startApi({ heartbeatMs: 60_000 });
    const client = createAlertStreamClient({ url: api.url, idleTimeoutMs: 300 });
    const subscription = client.subscribe({ resumeFrom: 0 });
    const log = new StatusLog<AlertStreamStatus>(subscription.status());
    const first = subscription[Symbol.asyncIterator]().next();
    const silent = await log.waitFor((e) => e.type === "disconnected");
    expect(silent).toMatchObject({ error: { errno: "ETIMEDOUT" }, retryInMs: 0 });
    expect((silent as { error: Error }).error.message).toContain("sent nothing for 300 ms");
    api.store.append(testAlerts(0, 1));
    expect((await first).value).toMatchObject({ cursor: 1 });
    subscription.unsubscribe();
  });

  it("refuses options that cannot work, naming them", () => {
    expect(() => createAlertStreamClient({ url: "localhost:2803" })).toThrow(/http:\/\//);
    expect(() => createAlertStreamClient({ url: "ftp://x" })).toThrow(ConfigurationError);
    expect(() => createAlertStreamClient({ url: "http://127.0.0.1:1", tls: { ca: "x" } })).toThrow(
      /tls is for an https:\/\/ url/,
    );
    expect(() =>
      createAlertStreamClient({ url: "https://127.0.0.1:1", tls: { ca: "/no/such/ca.pem" } }),
    ).toThrow(/tls.ca: cannot read \/no\/such\/ca.pem \(ENOENT\)/);
    const client = createAlertStreamClient({ url: "http://127.0.0.1:1" });
    expect(() => client.subscribe({ resumeFrom: -1 })).toThrow(/resumeFrom must be a cursor/);
  });
});

describe("TLS", () => {
  it("https with the server's CA as tls.ca; without it, a TLS error naming tls.ca", async () => {
    const pki = await createTestPki();
    const api = await startApi({ tls: { cert: pki.serverCert, key: pki.serverKey } });
    api.store.append(testAlerts(0, 1));
    expect(api.url.startsWith("https://")).toBe(true);
    const untrusted = createAlertStreamClient({ url: api.url });
    const error = await loopError(untrusted.subscribe({ resumeFrom: 0 }));
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).message).toMatch(/TLS with .* failed .*tls\.ca/);
    const trusted = createAlertStreamClient({ url: api.url, tls: { ca: pki.caCert } });
    for await (const alert of trusted.subscribe({ resumeFrom: 0 })) {
      expect(alert.cursor).toBe(1);
      break;
    }
  });

  it("mutual TLS: the client certificate as tls.cert and tls.key", async () => {
    const pki = await createTestPki();
    const api = await startApi({
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
    });
    api.store.append(testAlerts(0, 1));
    const client = createAlertStreamClient({
      url: api.url,
      tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey },
    });
    expect((await client.query()).alerts.map((a) => a.cursor)).toEqual([1]);
    const anonymous = createAlertStreamClient({ url: api.url, tls: { ca: pki.caCert } });
    await expect(anonymous.query()).rejects.toBeInstanceOf(ApiUnreachableError);
  });
});
