// Every failure a user can hit, over real sockets and real mutual TLS, with
// the error class and the advice it carries.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http2";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { ConfigurationError, FalcoError } from "@falco-sdk/core";
import { describe, expect, it } from "vitest";
import {
  alerts,
  defer,
  SERVER_KINDS,
  startServer,
  take,
  tempDir,
  testPki,
} from "../test/servers.js";
import { diagnoseCallError } from "./error-mapping.js";
import { ConnectionError, NotFalcoServerError, SocketNotFoundError, TlsError } from "./errors.js";
import { createFalcoClient, type FalcoClient } from "./falco-client.js";
import { loadTls } from "./tls-material.js";

async function failure(promise: Promise<unknown>): Promise<FalcoError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(FalcoError);
    return error as FalcoError;
  }
  throw new Error("expected a failure");
}

const port = (server: { endpoint: string }) => Number(server.endpoint.split(":").pop());

const firstAlert = async (client: FalcoClient) => {
  for await (const alert of client.subscribe()) return alert;
};

describe("configuration errors fail fast", () => {
  it("rejects plaintext TCP and malformed endpoints", () => {
    expect(() => createFalcoClient({ endpoint: "http://127.0.0.1:5060" })).toThrow(
      ConfigurationError,
    );
    expect(() => createFalcoClient({ endpoint: "nonsense" })).toThrow(/cannot read endpoint/);
    expect(() => createFalcoClient({ endpoint: "unix://relative.sock" })).toThrow(/absolute/);
  });

  it("requires a client certificate for TCP and says which file it cannot read", () => {
    expect(() => createFalcoClient({ endpoint: "127.0.0.1:5060", tls: {} })).toThrow(
      /requires mutual TLS/,
    );
    const error = (() => {
      try {
        createFalcoClient({
          endpoint: "127.0.0.1:5060",
          tls: { cert: "/nonexistent/client.crt", key: "/nonexistent/client.key" },
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /client certificate.*\/nonexistent\/client\.crt.*no such file/,
    );
  });
});

describe("unix socket errors", () => {
  it("names the socket paths it tried when none exists", async () => {
    const path = join(tempDir(), "missing.sock");
    const falco = createFalcoClient({ endpoint: `unix://${path}` });
    defer(() => falco.close());
    const error = await failure(falco.version());
    expect(error).toBeInstanceOf(SocketNotFoundError);
    expect((error as SocketNotFoundError).paths).toEqual([path]);
    expect(error.message).toMatch(/grpc_output\.enabled.*Falco 0\.44.*@falco-sdk\/http/);
    // subscribe() fails fast on the first connection too (waitForServer: false).
    expect(await failure(firstAlert(falco))).toBeInstanceOf(SocketNotFoundError);
  });

  it("says the socket is root-only when permission is denied", async () => {
    // A child process loads the client first, then (as root, who may open any socket) drops
    // to `nobody` for good: what it imports may be anywhere, even in a clone only root can
    // read. Run as another user, the socket's mode 000 denies its owner too.
    const dir = tempDir();
    const socketDir = join(dir, "falco");
    mkdirSync(socketDir);
    const server = await startServer(SERVER_KINDS[0].start, {
      socketPath: join(socketDir, "falco.sock"),
    });
    chmodSync(join(socketDir, "falco.sock"), 0o000);
    chmodSync(socketDir, 0o700);
    const script = join(dir, "probe.mjs");
    const clientIndex = fileURLToPath(new URL("../dist/index.js", import.meta.url));
    writeFileSync(
      script,
      `import { createFalcoClient, SocketPermissionError } from ${JSON.stringify(clientIndex)};
       if (process.getuid() === 0) {
         process.setgroups([]);
         process.setgid(65534);
         process.setuid(65534);
       }
       const c = createFalcoClient({ endpoint: ${JSON.stringify(server.endpoint)} });
       try { await c.version(); console.log("connected"); }
       catch (e) { console.log(e instanceof SocketPermissionError, e.message); }
       await c.close();`,
    );
    const run = spawnSync(process.execPath, [script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^true permission denied on .*falco\.sock: .*root/);
  });

  it("recognises an endpoint that is not a Falco server", async () => {
    const socketPath = join(tempDir(), "other.sock");
    const other = createServer(connectNodeAdapter({ routes: () => {} }));
    await new Promise<void>((resolve) => other.listen(socketPath, resolve));
    defer(() => new Promise((resolve) => other.close(resolve)));
    const falco = createFalcoClient({ endpoint: `unix://${socketPath}` });
    defer(() => falco.close());
    const error = await failure(falco.version());
    expect(error).toBeInstanceOf(NotFalcoServerError);
    expect(await failure(firstAlert(falco))).toBeInstanceOf(NotFalcoServerError);
  });
});

describe.each(SERVER_KINDS)("mutual TLS against the $name", ({ start }) => {
  const tlsServer = async () => {
    const pki = await testPki();
    const server = await startServer(start, { host: "127.0.0.1", port: 0, tls: pki.serverTls });
    return { pki, server };
  };
  const connect = (endpoint: string, tls: object) => {
    const falco = createFalcoClient({ endpoint, tls });
    defer(() => falco.close());
    return falco;
  };

  it("streams alerts with a client certificate signed by the server's CA", async () => {
    const { pki, server } = await tlsServer();
    const falco = connect(server.endpoint, {
      ca: pki.caCert,
      cert: pki.clientCert,
      key: pki.clientKey,
      serverName: "localhost",
    });
    await server.emit(alerts(3));
    const it = falco.subscribe()[Symbol.asyncIterator]();
    expect(await take(it, 3)).toHaveLength(3);
    await it.return?.();
  });

  it("reports a client certificate the server refuses", async () => {
    const { pki, server } = await tlsServer();
    const falco = connect(server.endpoint, {
      ca: pki.caCert,
      cert: pki.rogueClientCert,
      key: pki.rogueClientKey,
    });
    const error = await failure(falco.version());
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).reason).toBe("client-cert-refused");
    expect(error.message).toMatch(/root_certs/);
  });

  it("tells a refused certificate from a plain reset when the reset overtook the TLS alert", async () => {
    // What the client sees when the server's reset wins the race against its
    // alert: the refusal itself cannot be forced, the error it leaves can.
    const { pki, server } = await tlsServer();
    const reset = new ConnectError(
      "read ECONNRESET",
      Code.Aborted,
      undefined,
      undefined,
      Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET", syscall: "read" }),
    );
    const endpoint = { kind: "tcp", host: "127.0.0.1", port: port(server), tls: true } as const;
    const tls = (cert: string, key: string) =>
      loadTls({ ca: pki.caCert, cert, key, serverName: "localhost" });
    const refused = await diagnoseCallError(
      reset,
      endpoint,
      tls(pki.rogueClientCert, pki.rogueClientKey),
      true,
    );
    expect(refused).toBeInstanceOf(TlsError);
    expect((refused as TlsError).reason).toBe("client-cert-refused");
    expect(refused.message).toMatch(/root_certs/);
    const accepted = await diagnoseCallError(
      reset,
      endpoint,
      tls(pki.clientCert, pki.clientKey),
      true,
    );
    expect(accepted).toBeInstanceOf(ConnectionError);
    expect(accepted.message).toMatch(/ECONNRESET/);
  });

  it("reports a server certificate from another CA", async () => {
    const { pki, server } = await tlsServer();
    const falco = connect(server.endpoint, {
      ca: pki.rogueCaCert,
      cert: pki.clientCert,
      key: pki.clientKey,
    });
    const error = await failure(falco.version());
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).reason).toBe("ca-untrusted");
  });

  it("reports a certificate that does not name the server", async () => {
    const { pki, server } = await tlsServer();
    const falco = connect(server.endpoint, {
      ca: pki.caCert,
      cert: pki.clientCert,
      key: pki.clientKey,
      serverName: "falco.example.org",
    });
    const error = await failure(falco.version());
    expect(error).toBeInstanceOf(TlsError);
    expect((error as TlsError).reason).toBe("name-mismatch");
    expect(error.message).toMatch(/serverName/);
  });
});
