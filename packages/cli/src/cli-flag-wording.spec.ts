// What falco-alerts says when a setting is wrong: flags, never library options, and the real
// cause of a TLS failure. Real processes, real TLS material (serve --generate-certs).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, serve, tempDir, useProcesses } from "../test/spec-process.js";
import { EXIT } from "./exit-codes.js";

useProcesses();

/** Library option names that a CLI user cannot type. */
const OPTION_WORDS = /tls\.|sharedSecret|insecurePlaintextTcp|insecureAllowUnauthenticatedRemote/;

describe("falco-alerts errors name flags", () => {
  it("TCP without certificates, plaintext TCP, an unauthenticated remote listener", async () => {
    const [tcp, plaintext, remote, missing] = await Promise.all([
      run(["tail", "-e", "127.0.0.1:5060"]),
      run(["get", "-e", "http://127.0.0.1:5060"]),
      run(["tail", "--listen-http", "0.0.0.0:0"]),
      run(["version", "-e", "127.0.0.1:5060", "--cert", "/nonexistent.crt", "--key", "/x.key"]),
    ]);
    expect(tcp.stderr).toMatch(
      /pass --cert and --key \(a client certificate .*\) and usually --ca/,
    );
    expect(plaintext.stderr).toMatch(/with --cert and --key, or pass --insecure-plaintext/);
    expect(remote.stderr).toMatch(
      /Set --http-cert and --http-key \(with --http-ca for mutual TLS.*\), --http-secret-file .*, or --http-insecure-remote\./,
    );
    expect(missing.stderr).toMatch(
      /cannot read the client certificate \(--cert\) at \/nonexistent\.crt/,
    );
    for (const r of [tcp, plaintext, remote, missing]) {
      expect(r.code).toBe(EXIT.connect);
      expect(r.stderr).not.toMatch(OPTION_WORDS);
    }
  });
});

describe("falco-alerts TLS diagnoses", () => {
  it("no --ca, a certificate and key that do not match, --ca with a unix socket", async () => {
    const certs = tempDir();
    const { endpoint } = await serve(["--port", "0", "--generate-certs", certs]);
    const file = (name: string) => join(certs, name);
    const version = (...args: string[]) =>
      run(["version", "-e", endpoint, "--server-name", "localhost", ...args]);
    const [noCa, mismatch] = await Promise.all([
      version("--cert", file("client.crt"), "--key", file("client.key")),
      version(
        "--ca",
        file("ca.crt"),
        "--cert",
        file("client.crt"),
        "--key",
        file("rogue-client.key"),
      ),
    ]);
    expect(noCa.code).toBe(EXIT.connect);
    expect(noCa.stderr).toMatch(
      /not trusted by this system's CAs, and no CA was given: pass the CA that signed Falco's cert_chain as --ca/,
    );
    expect(noCa.stderr).not.toMatch(/the CA you gave/);
    expect(mismatch.code).toBe(EXIT.connect);
    expect(mismatch.stderr).toMatch(
      /the client certificate \(--cert\) at \S+client\.crt and the private key \(--key\) at \S+rogue-client\.key do not match/,
    );
    expect(mismatch.stderr).not.toMatch(/network failed/);
    for (const r of [noCa, mismatch]) expect(r.stderr).not.toMatch(OPTION_WORDS);
  });

  it("a unix endpoint: a missing --ca file exits 3; a readable one is ignored with a warning", async () => {
    const { endpoint } = await serve();
    const missing = await run(["version", "-e", endpoint, "--ca", "/nonexistent/ca.crt"]);
    expect(missing.code).toBe(EXIT.connect);
    expect(missing.stderr).toMatch(/cannot read --ca \/nonexistent\/ca\.crt \(ENOENT\)/);
    const ca = join(tempDir(), "ca.crt");
    writeFileSync(ca, "unused");
    const ignored = await run(["tail", "-e", endpoint, "--ca", ca, "-n", "1"]);
    expect(ignored.code).toBe(EXIT.ok);
    expect(ignored.stderr).toMatch(
      /--ca ignored: unix:\/\/\S+ is a unix socket, which has no TLS \(TLS is for host:port endpoints\)/,
    );
  });
});
