import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer, type Server, type TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestPki, writeTestPki } from "./pki.js";

/** Outcome of one TLS handshake plus one byte exchanged in each direction. */
type Outcome = { readonly ok: true; readonly peerCn: string } | { readonly ok: false };

function handshake(
  port: number,
  pki: TestPki,
  client: { cert?: string; key?: string },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({
      host: "127.0.0.1",
      port,
      ca: pki.caCert,
      servername: "localhost",
      ...client,
    });
    socket.setTimeout(5_000, () => socket.destroy());
    // TLS 1.3: the server's verdict on the client certificate arrives after
    // the client's handshake completes, so wait for the server's echo.
    socket.once("secureConnect", () => socket.write("?"));
    socket.once("data", (data) => {
      resolve({ ok: true, peerCn: data.toString() });
      socket.end();
    });
    socket.once("error", () => resolve({ ok: false }));
    socket.once("close", () => resolve({ ok: false }));
  });
}

describe("createTestPki", () => {
  let pki: TestPki;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    pki = await createTestPki();
    server = createServer({
      ...pki.serverTls,
      requestCert: true,
      rejectUnauthorized: true,
    });
    server.on("secureConnection", (socket: TLSSocket) => {
      socket.on("error", () => {});
      socket.once("data", () => socket.write(String(socket.getPeerCertificate().subject?.CN)));
    });
    server.on("tlsClientError", () => {});
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("issues a server certificate like Falco's docs: CN=localhost, SANs for loopback", () => {
    const cert = new X509Certificate(pki.serverCert);
    expect(cert.subject).toBe("CN=localhost");
    expect(cert.subjectAltName).toBe(
      "DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1",
    );
    expect(cert.verify(new X509Certificate(pki.caCert).publicKey)).toBe(true);
    expect(cert.checkIssued(new X509Certificate(pki.caCert))).toBe(true);
    expect(new X509Certificate(pki.caCert).ca).toBe(true);
    expect(
      new X509Certificate(pki.rogueClientCert).checkIssued(new X509Certificate(pki.caCert)),
    ).toBe(false);
  });

  it("accepts the client certificate in a real mutual-TLS handshake", async () => {
    const outcome = await handshake(port, pki, { cert: pki.clientCert, key: pki.clientKey });
    expect(outcome).toEqual({ ok: true, peerCn: "falco-test-client" });
  });

  it("refuses the rogue client certificate", async () => {
    const outcome = await handshake(port, pki, {
      cert: pki.rogueClientCert,
      key: pki.rogueClientKey,
    });
    expect(outcome).toEqual({ ok: false });
  });

  it("refuses a client without a certificate", async () => {
    expect(await handshake(port, pki, {})).toEqual({ ok: false });
  });

  it("supports RSA 2048 keys", async () => {
    const rsa = await createTestPki({ keyAlgorithm: "rsa-2048" });
    const cert = new X509Certificate(rsa.clientCert);
    expect(cert.publicKey.asymmetricKeyType).toBe("rsa");
    expect(cert.checkIssued(new X509Certificate(rsa.caCert))).toBe(true);
  });

  it("writes the PKI to files for tools that want paths", async () => {
    const dir = mkdtempSync(join(tmpdir(), "falco-pki-"));
    try {
      const files = await writeTestPki(join(dir, "certs"), pki);
      expect(readFileSync(files.serverCert, "utf8")).toBe(pki.serverCert);
      expect(readFileSync(files.rogueClientKey, "utf8")).toBe(pki.rogueClientKey);
      expect(files.caCert).toBe(join(dir, "certs", "ca.crt"));
      expect(statSync(files.serverKey).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
