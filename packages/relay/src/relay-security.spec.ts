import { statSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "@falco-sdk/client";
import { createTestPki, writeTestPki } from "@falco-sdk/testing/pki";
import { describe, expect, it } from "vitest";
import { createAlertRelay, ListenError } from "../src/index.js";
import { defer, tempDir } from "../test/helpers.js";
import { startPythonSubscriber } from "../test/python-subscriber.js";

function newRelay() {
  const relay = createAlertRelay({ sources: [] });
  defer(() => relay.close());
  return relay;
}

describe("security", () => {
  it("creates its unix socket with mode 0660 by default, or the mode given", async () => {
    const dir = tempDir();
    const relay = newRelay();
    await relay.listen({ socketPath: join(dir, "a.sock") });
    await relay.listen({ socketPath: join(dir, "b.sock"), socketMode: 0o600 });
    expect(statSync(join(dir, "a.sock")).mode & 0o777).toBe(0o660);
    expect(statSync(join(dir, "b.sock")).mode & 0o777).toBe(0o600);
    await relay.close();
    // Socket files are removed at close.
    expect(() => statSync(join(dir, "a.sock"))).toThrow();
  });

  it("refuses TCP without mutual TLS unless insecurePlaintext is set", async () => {
    const relay = newRelay();
    await expect(relay.listen({ port: 0 } as never)).rejects.toBeInstanceOf(ConfigurationError);
    await expect(relay.listen({ port: 0, tls: { cert: "x", key: "y" } } as never)).rejects.toThrow(
      /mutual TLS/,
    );
    const { endpoint } = await relay.listen({ port: 0, insecurePlaintext: true });
    const plain = startPythonSubscriber({ target: endpoint, mode: "version" });
    defer(() => plain.quit());
    expect(await plain.until("version")).toMatchObject({ prerelease: "relay" });
  });

  it("refuses a file that is not a socket and a port in use, with ListenError", async () => {
    const dir = tempDir();
    const relay = newRelay();
    await expect(relay.listen({ socketPath: dir })).rejects.toBeInstanceOf(ListenError);
    const { endpoint } = await relay.listen({ port: 0, insecurePlaintext: true });
    const port = Number(endpoint.split(":").pop());
    await expect(relay.listen({ port, insecurePlaintext: true })).rejects.toMatchObject({
      code: "cannot-listen",
    });
  });

  it("on TCP with mutual TLS: serves certified clients, refuses plaintext, no certificate and another CA", async () => {
    const dir = tempDir();
    const pki = await createTestPki();
    const files = await writeTestPki(join(dir, "pki"), pki);
    const relay = newRelay();
    const { endpoint } = await relay.listen({ port: 0, tls: pki.serverTls });
    const ok = startPythonSubscriber({
      target: endpoint,
      mode: "version",
      tls: { ca: files.caCert, cert: files.clientCert, key: files.clientKey },
    });
    defer(() => ok.quit());
    expect(await ok.until("version")).toMatchObject({ prerelease: "relay" });

    const refused = [
      startPythonSubscriber({ target: endpoint, mode: "version" }), // plaintext
      startPythonSubscriber({ target: endpoint, mode: "version", tls: { ca: files.caCert } }),
      startPythonSubscriber({
        target: endpoint,
        mode: "version",
        tls: { ca: files.caCert, cert: files.rogueClientCert, key: files.rogueClientKey },
      }),
    ];
    for (const client of refused) {
      defer(() => client.quit());
      expect(await client.until("error")).toMatchObject({ error: "UNAVAILABLE" });
    }
    expect(relay.stats().subscribers).toEqual([]);
  });
});
