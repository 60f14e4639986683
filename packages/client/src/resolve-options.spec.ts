import { ConfigurationError } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import { testPki } from "../test/servers.js";
import { resolveClientOptions, resolveSubscribeOptions } from "./resolve-options.js";

describe("resolveClientOptions", () => {
  it("applies every default of createFalcoClient()", () => {
    const settings = resolveClientOptions({ endpoint: "unix:///run/falco/falco.sock" }, {});
    expect(settings).toEqual({
      endpoint: { kind: "unix", path: "/run/falco/falco.sock", tried: ["/run/falco/falco.sock"] },
      tls: undefined,
      backoff: {
        initialDelayMs: 1000,
        multiplier: 1.6,
        maxDelayMs: 30_000,
        jitter: 0.2,
        maxAttempts: Number.POSITIVE_INFINITY,
        delayMs: undefined,
      },
      waitForServer: false,
      livenessTimeoutMs: 30_000,
      versionTimeoutMs: 15_000,
      livenessCheckEveryMs: 7_500,
    });
  });

  it("takes the endpoint and TLS material from the FALCO_GRPC_* environment", async () => {
    // Real PEM: the certificate and key are checked to parse and to belong together.
    const pki = await testPki();
    const pem = pki.clientCert;
    const env = {
      FALCO_GRPC_ENDPOINT: "[::1]:5060",
      FALCO_GRPC_CERT: pem,
      FALCO_GRPC_KEY: pki.clientKey,
      FALCO_GRPC_SERVER_NAME: "localhost",
    };
    const settings = resolveClientOptions({ livenessTimeoutMs: 1000, reconnect: false }, env);
    expect(settings.endpoint).toEqual({ kind: "tcp", host: "::1", port: 5060, tls: true });
    expect(settings.tls?.serverName).toBe("localhost");
    expect(settings.tls?.cert.toString()).toBe(pem);
    expect([settings.backoff, settings.versionTimeoutMs, settings.livenessCheckEveryMs]).toEqual([
      false,
      500,
      250,
    ]);
  });

  it("refuses TCP without a client certificate, as Falco does", () => {
    expect(() => resolveClientOptions({ endpoint: "localhost:5060" }, {})).toThrow(
      ConfigurationError,
    );
  });
});

it("resolveSubscribeOptions applies subscribe()'s defaults and compiles the filter", () => {
  const plain = resolveSubscribeOptions({});
  expect([plain.pollIntervalMs, plain.maxBufferedAlerts, plain.filter]).toEqual([
    100,
    256,
    undefined,
  ]);
  const custom = resolveSubscribeOptions({ maxBufferedAlerts: 0, minPriority: "Error" });
  expect(custom.maxBufferedAlerts).toBe(1);
  expect(typeof custom.filter).toBe("function");
});
