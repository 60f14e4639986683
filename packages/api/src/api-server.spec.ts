import { createTestPki, type TestPki } from "@falco-sdk/testing/pki";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AlertApiServer, createAlertApiServer, isLoopbackHost } from "./api-server.js";
import { get, removeTempDirs, SseClient, tempFile, tempStore, testAlerts } from "./test-helpers.js";

let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});

const servers: AlertApiServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  removeTempDirs();
});

const tokenFile = (content: string) => tempFile("token", content);

describe("createAlertApiServer", () => {
  it("serves plain HTTP on loopback without credentials", async () => {
    const store = tempStore();
    store.append(testAlerts(0, 2));
    const server = await createAlertApiServer({ store, port: 0 });
    servers.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse((await get(`${server.url}/api/v1/stats`)).body).count).toBe(2);
  });

  it("refuses a non-loopback address without TLS, or with TLS but no credentials, naming the options", async () => {
    const store = tempStore();
    await expect(createAlertApiServer({ store, host: "0.0.0.0", port: 0 })).rejects.toMatchObject({
      code: "api-configuration",
      message: expect.stringMatching(
        /0\.0\.0\.0 is not a loopback address: .*tls \(cert and key\).*token, tokenFile or tls\.ca/,
      ),
    });
    await expect(
      createAlertApiServer({
        store,
        host: "0.0.0.0",
        port: 0,
        tls: { cert: pki.serverCert, key: pki.serverKey },
      }),
    ).rejects.toMatchObject({
      code: "api-configuration",
      message: expect.stringMatching(/give credentials/),
    });
    await expect(
      createAlertApiServer({ store, port: 0, tokenFile: tokenFile("  \n") }),
    ).rejects.toMatchObject({
      code: "api-configuration",
      message: expect.stringMatching(/is empty/),
    });
    await expect(
      createAlertApiServer({ store, port: 0, tokenFile: "/nonexistent/token" }),
    ).rejects.toMatchObject({
      code: "api-configuration",
      message: expect.stringMatching(/cannot read the token file/),
    });
    store.close();
  });

  it("serves HTTPS to the network with a bearer token from a file", async () => {
    const store = tempStore();
    store.append(testAlerts(0, 3));
    const server = await createAlertApiServer({
      store,
      host: "0.0.0.0",
      port: 0,
      tls: { cert: pki.serverCert, key: pki.serverKey },
      tokenFile: tokenFile("tok-123\n"),
    });
    servers.push(server);
    const url = server.url.replace("0.0.0.0", "127.0.0.1");
    expect(url).toMatch(/^https:/);
    const options = { ca: pki.caCert, servername: "localhost" };
    expect((await get(`${url}/api/v1/stats`, options)).status).toBe(401);
    const stream = new SseClient(`${url}/api/v1/alerts/stream?after=1`, {
      ...options,
      headers: { Authorization: "Bearer tok-123" },
    });
    expect((await stream.next()).id).toBe("2");
    stream.close();
  });

  it("with mutual TLS, serves a client with a certificate of the CA and refuses others", async () => {
    const store = tempStore();
    const server = await createAlertApiServer({
      store,
      host: "0.0.0.0",
      port: 0,
      tls: { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert },
    });
    servers.push(server);
    const url = server.url.replace("0.0.0.0", "127.0.0.1");
    const base = { ca: pki.caCert, servername: "localhost" };
    const ok = await get(`${url}/api/v1/stats`, {
      ...base,
      cert: pki.clientCert,
      key: pki.clientKey,
    });
    expect(ok.status).toBe(200);
    await expect(get(`${url}/api/v1/stats`, base)).rejects.toThrow();
    await expect(
      get(`${url}/api/v1/stats`, { ...base, cert: pki.rogueClientCert, key: pki.rogueClientKey }),
    ).rejects.toThrow();
  });

  it("names the address it cannot listen on", async () => {
    const store = tempStore();
    const first = await createAlertApiServer({ store, port: 0 });
    servers.push(first);
    const port = Number(new URL(first.url).port);
    await expect(createAlertApiServer({ store, port })).rejects.toMatchObject({
      code: "api-listen",
      message: expect.stringMatching(
        `cannot listen on 127.0.0.1:${port}: .*another process uses it`,
      ),
    });
  });

  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.1", "example.com"])
      expect(isLoopbackHost(h)).toBe(false);
  });
});
