// One endpoint syntax for every flag (-e, --serve, --listen-http), --insecure-plaintext to read
// a relay that serves plaintext TCP, and the HTTP input's secret kept out of `ps`.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, start, tempDir, useProcesses } from "../test/spec-process.js";
import { EXIT } from "./exit-codes.js";

useProcesses();

const ALERT = JSON.stringify({
  output: "10:00:00.000000001: Critical Bucket deleted",
  output_fields: {},
  priority: "Critical",
  rule: "Delete Bucket",
  source: "aws_cloudtrail",
  time: "2026-03-01T10:00:00.000000001Z",
  hostname: "falco-0",
});

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: ALERT,
  }).then(async (res) => {
    await res.text();
    return res.status;
  });

describe("falco-alerts endpoints", () => {
  it("relay --serve takes a bare /path and unix:/path like -e; -e reads them back", async () => {
    const dir = tempDir();
    const [bare, short] = [join(dir, "a.sock"), join(dir, "b.sock")];
    const relay = start([
      ...["relay", "--listen-http", "127.0.0.1:0"],
      ...["--serve", bare, "--serve", `unix:${short}`],
    ]);
    await relay.waitFor("stdout", /(serving Falco's gRPC API on unix:\/\/\S+\n[\s\S]*){2}/);
    expect(existsSync(bare) && existsSync(short)).toBe(true);
    for (const endpoint of [bare, `unix:${short}`]) {
      const r = await run(["version", "-e", endpoint]);
      expect(r.code, `${endpoint}: ${r.stderr}`).toBe(EXIT.ok);
    }
    relay.child.kill("SIGTERM");
    expect((await relay.done).code).toBe(EXIT.ok);
  });

  it("a listener that takes TCP only says so for a socket path; junk names every form", async () => {
    const socket = await run(["tail", "--listen-http", "/tmp/x.sock"]);
    expect(socket.code).toBe(EXIT.usage);
    expect(socket.stderr).toMatch(/--listen-http listens on TCP only: give \[host:\]port/);
    const junk = await run(["relay", "--serve", "somewhere"]);
    expect(junk.code).toBe(EXIT.usage);
    expect(junk.stderr).toMatch(
      /--serve takes \[host:\]port or \[v6\]:port, a unix socket \(unix:\/\/\/path or \/path\)/,
    );
  });

  it("--insecure-plaintext reads a relay that serves plaintext TCP", async () => {
    const relay = start([
      ...["relay", "--listen-http", "127.0.0.1:0"],
      ...["--serve", "127.0.0.1:0", "--serve-insecure-plaintext"],
    ]);
    const [, endpoint = ""] = await relay.waitFor("stdout", /gRPC API on (\S+)\n/);
    const refused = await run(["version", "-e", endpoint]);
    expect(refused.code).toBe(EXIT.connect);
    const plain = await run(["version", "-e", endpoint, "--insecure-plaintext"]);
    expect(plain.code, plain.stderr).toBe(EXIT.ok);
  });
});

describe("the HTTP input's secret", () => {
  it("--http-secret-file and FALCO_ALERTS_HTTP_SECRET require it like --http-secret", async () => {
    const file = join(tempDir(), "secret");
    writeFileSync(file, "s3cret\n", { mode: 0o600 });
    const tails = [
      start(["tail", "--listen-http", "127.0.0.1:0", "--http-secret-file", file, "-n", "1"]),
      start(["tail", "--listen-http", "127.0.0.1:0", "-n", "1"], undefined, {
        FALCO_ALERTS_HTTP_SECRET: "s3cret",
      }),
    ];
    for (const tail of tails) {
      const [, url = ""] = await tail.waitFor("stderr", /http_output at (\S+)\n/);
      expect(await post(url)).toBe(401);
      expect(await post(url, { "x-falco-sdk-secret": "wrong" })).toBe(401);
      expect(await post(url, { "x-falco-sdk-secret": "s3cret" })).toBe(204);
      const r = await tail.done;
      expect(r.code).toBe(EXIT.ok);
      expect(r.stdout).toMatch(/Delete Bucket/);
      expect(r.stderr).toMatch(/refused a request .*\(401 auth\)/);
    }
    const both = await run([
      ...["tail", "--listen-http", "127.0.0.1:0"],
      ...["--http-secret", "x", "--http-secret-file", file],
    ]);
    expect(both.code).toBe(EXIT.usage);
    expect(both.stderr).toMatch(/give --http-secret or --http-secret-file, not both/);
  });
});
