// How falco-alerts fails and stops: exit statuses, one-line messages, signals, broken pipes,
// a server that dies under a running tail. Real processes throughout.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, serve, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

describe("falco-alerts failures and exit statuses", () => {
  it("exits 2 on bad flags, with a message", async () => {
    const unknown = await run(["tail", "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--bogus'/);
    const bad = await run(["tail", "--min-priority", "loud"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/loud/);
    const count = await run(["tail", "--count", "-3"]);
    expect(count.code).toBe(2);
    expect(count.stderr).toMatch(/--count must be a positive number/);
    const misplaced = await run(["tail", "--listen-http", "127.0.0.1:0", "--ca", "ca.crt"]);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toMatch(/--ca.*are for a gRPC input \(--from\)/);
    const address = await run(["tail", "--listen-http", "127.0.0.1:http"]);
    expect(address.code).toBe(2);
    expect(address.stderr).toMatch(/--listen-http takes \[host:\]port/);
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/Usage: falco-alerts/);
    const command = await run(["tial"]);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'tial'/);
  });

  it("serve: exit 2 without --socket/--port or TLS material, 3 on an unreadable file", async () => {
    const neither = await run(["serve"]);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/give --socket <path> or --port <port>/);
    const noTls = await run(["serve", "--port", "0"]);
    expect(noTls.code).toBe(2);
    expect(noTls.stderr).toMatch(/mutual TLS.*--generate-certs/);
    const dir = tempDir();
    writeFileSync(join(dir, "x.pem"), "not a certificate");
    const missing = join(dir, "missing-ca.crt");
    const unreadable = await run([
      "serve",
      "--port",
      "0",
      ...["--ca", missing, "--cert", join(dir, "x.pem"), "--key", join(dir, "x.pem")],
    ]);
    expect(unreadable.code).toBe(3);
    expect(unreadable.stderr).toContain(`cannot read --ca ${missing} (ENOENT)`);
  });

  it("exits 3 when Falco's socket is missing, naming the path, without a stack", async () => {
    for (const command of ["tail", "get", "version", "stats"]) {
      const r = await run([command, "-e", "unix:///nonexistent/falco.sock"]);
      expect(r.code, command).toBe(3);
      expect(r.stderr).toMatch(/no Falco gRPC socket at \/nonexistent\/falco\.sock/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    const verbose = await run(["version", "-e", "unix:///nonexistent/falco.sock", "--verbose"]);
    expect(verbose.code).toBe(3);
    expect(verbose.stderr).toMatch(/\n\s+at /); // the stack, on request
  });

  it("exits 3 on TLS problems: untrusted server CA, client certificate from another CA", async () => {
    const served = tempDir();
    const { endpoint } = await serve(["--port", "0", "--generate-certs", served]);
    const tls = (ca: string, cert: string, key: string) =>
      run([
        "version",
        ...["-e", endpoint, "--server-name", "localhost"],
        ...["--ca", join(served, ca), "--cert", join(served, cert), "--key", join(served, key)],
      ]);
    const untrusted = await tls("rogue-ca.crt", "client.crt", "client.key");
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr.trim().split("\n")).toHaveLength(1);
    expect(untrusted.stderr).toMatch(/certificate|TLS/i);
    const refused = await tls("ca.crt", "rogue-client.crt", "rogue-client.key");
    expect(refused.code).toBe(3);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    const ok = await tls("ca.crt", "client.crt", "client.key");
    expect(ok.code).toBe(0);
  });

  it("exits 130 on Ctrl-C (SIGINT), still printing the summary", async () => {
    const { endpoint } = await serve();
    const tail = start(["tail", "-e", endpoint, "--summary"]);
    await tail.waitFor("stdout", /\n/);
    tail.child.kill("SIGINT");
    const r = await tail.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^\d+ alerts?: /m);
    expect(r.stderr).toMatch(/^loss: none reported$/m);
  });

  it("stops quietly with 0 when the reader of stdout goes away (| head)", async () => {
    const { endpoint } = await serve();
    const tail = start(["tail", "-e", endpoint, "--json"]);
    await tail.waitFor("stdout", /\n/);
    tail.child.stdout?.destroy();
    const r = await tail.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("reports a dying server on stderr: disconnected, then reconnecting with attempt and delay", async () => {
    const { endpoint, server } = await serve();
    const tail = start(["tail", "-e", endpoint, "--summary"]);
    await tail.waitFor("stdout", /\n/);
    server.child.kill("SIGKILL");
    await tail.waitFor("stderr", /falco-alerts: disconnected.*\n/);
    await tail.waitFor("stderr", /reconnecting in \d+\.\d s \(attempt 1\)/);
    tail.child.kill("SIGINT");
    const r = await tail.done;
    expect(r.code).toBe(130);
    const lossReported = /alerts may have been lost/.test(r.stderr);
    expect(r.stderr).toMatch(
      lossReported
        ? /^loss: alerts may have been lost in 1 disconnection$/m
        : /^loss: none reported$/m,
    );
  });

  it("every command's --help has examples and the exit statuses", async () => {
    for (const command of ["tail", "get", "version", "stats", "serve"]) {
      const r = await run([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toMatch(/Examples?:\n {2}\$ falco-alerts /);
      expect(r.stdout).toMatch(
        /Exit status:\n {2}0 [\s\S]*\n {2}1 [\s\S]*\n {2}2 [\s\S]*\n {2}3 [\s\S]*\n {2}130 /,
      );
    }
  });
});
