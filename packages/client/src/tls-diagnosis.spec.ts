// TLS failures whose diagnosis used to mislead, with real TLS material from the testing
// package's PKI against the Node test server: no CA given, a certificate and key that do not
// belong together, PEM that is not PEM. Each error names the options to fix.
import { ConfigurationError, type FalcoError } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import { defer, SERVER_KINDS, startServer, testPki } from "../test/servers.js";
import { TlsError } from "./errors.js";
import { createFalcoClient } from "./falco-client.js";

const option = (name: string) => ({ api: "createFalcoClient", name });

async function failure(promise: Promise<unknown>): Promise<FalcoError> {
  try {
    await promise;
  } catch (error) {
    return error as FalcoError;
  }
  throw new Error("expected a failure");
}

function thrown(fn: () => unknown): FalcoError {
  try {
    fn();
  } catch (error) {
    return error as FalcoError;
  }
  throw new Error("expected a failure");
}

describe("TLS diagnoses", () => {
  it("without tls.ca: the server's certificate is not trusted by the system's CAs", async () => {
    const pki = await testPki();
    const server = await startServer(SERVER_KINDS[0].start, {
      host: "127.0.0.1",
      port: 0,
      tls: pki.serverTls,
    });
    const falco = createFalcoClient({
      endpoint: server.endpoint,
      tls: { cert: pki.clientCert, key: pki.clientKey, serverName: "localhost" },
    });
    defer(() => falco.close());
    const error = await failure(falco.version());
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).reason).toBe("ca-untrusted");
    expect(error.message).toMatch(/not trusted by this system's CAs, and no CA was given/);
    expect(error.message).toMatch(/as tls\.ca/);
    expect(error.message).not.toMatch(/the CA you gave/);
    expect(error.namedOptions).toEqual([option("tls.ca")]);
  });

  it("a certificate and a key that do not match: said when the client is created", async () => {
    const pki = await testPki();
    const error = thrown(() =>
      createFalcoClient({
        endpoint: "127.0.0.1:5060",
        tls: { ca: pki.caCert, cert: pki.clientCert, key: pki.rogueClientKey },
      }),
    );
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(
      /client certificate \(tls\.cert\) and the private key \(tls\.key\) do not match/,
    );
    expect(error.namedOptions).toEqual([option("tls.cert"), option("tls.key")]);
  });

  it("PEM that does not parse names its option", async () => {
    const pki = await testPki();
    const notPem = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";
    const ca = thrown(() =>
      createFalcoClient({
        endpoint: "127.0.0.1:5060",
        tls: { ca: notPem, cert: pki.clientCert, key: pki.clientKey },
      }),
    );
    expect(ca).toBeInstanceOf(ConfigurationError);
    expect(ca.message).toMatch(/the CA certificate \(tls\.ca\) is not a PEM certificate/);
    const key = thrown(() =>
      createFalcoClient({
        endpoint: "127.0.0.1:5060",
        tls: { cert: pki.clientCert, key: pki.clientCert },
      }),
    );
    expect(key.message).toMatch(/the client key \(tls\.key\) is not a PEM private key/);
  });

  it("names the options of a missing client certificate and of plaintext TCP", () => {
    const tcp = thrown(() => createFalcoClient({ endpoint: "127.0.0.1:5060", tls: {} }));
    expect(tcp.namedOptions.map((o) => o.name)).toEqual(["tls.cert", "tls.key", "tls.ca"]);
    const plain = thrown(() => createFalcoClient({ endpoint: "http://127.0.0.1:5060" }));
    expect(plain.message).toMatch(/insecurePlaintextTcp: true/);
    expect(plain.namedOptions.map((o) => o.name)).toContain("insecurePlaintextTcp: true");
  });
});
