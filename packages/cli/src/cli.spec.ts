// falco-alerts end to end: every command as a real process, against the
// built-in server started by `falco-alerts serve` (also a real process).
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { alertToJson, PRIORITIES, parseAlertJson, priorityLevel } from "@falco-sdk/client";
import { afterEach, beforeAll, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const demo = fileURLToPath(new URL("../dist/demo.js", import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
beforeAll(() => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: run \`pnpm --filter @falco-sdk/cli build\` first`);
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[], script = bin): { child: ChildProcess; done: Promise<Result> } {
  const child = spawn(process.execPath, [script, ...args], {
    env: { ...process.env, NO_COLOR: "1", FALCO_GRPC_ENDPOINT: "" },
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  const done = new Promise<Result>((resolve) =>
    child.once("exit", (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

const run = (args: string[]) => start(args).done;

async function serve(
  extra: string[] = [],
): Promise<{ endpoint: string; hint: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "falco-cli-"));
  dirs.push(dir);
  const listen = extra.length > 0 ? extra : ["--socket", join(dir, "falco.sock")];
  const { child } = start(["serve", ...listen, "--rate", "200", "--seed", "3"]);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (d) => {
      out += d;
      const m = /listening on (\S+)\nconnect with: falco-alerts tail (.*)\n/.exec(out);
      if (m?.[1] && m[2]) resolve({ endpoint: m[1], hint: m[2], dir });
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe("falco-alerts", () => {
  it("tail --json prints Falco's JSON shape, which parses back into equal alerts", async () => {
    const { endpoint } = await serve();
    const r = await run(["tail", "-e", endpoint, "--json", "--count", "20"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(20);
    for (const line of lines) {
      const alert = parseAlertJson(line);
      expect(JSON.stringify(alertToJson(alert))).toBe(line);
      expect(Object.keys(JSON.parse(line)).sort()).toEqual([
        "hostname",
        "output",
        "output_fields",
        "priority",
        "rule",
        "source",
        "tags",
        "time",
      ]);
    }
  });

  it("tail prints readable lines and applies filters", async () => {
    const { endpoint } = await serve();
    const human = await run(["tail", "-e", endpoint, "--count", "5"]);
    expect(human.code).toBe(0);
    const pattern = new RegExp(`^\\d{4}-\\d{2}-\\d{2} [\\d:.]+  (${PRIORITIES.join("|")}) +\\S`);
    for (const line of human.stdout.trim().split("\n")) expect(line).toMatch(pattern);
    const severe = await run([
      "tail",
      "-e",
      endpoint,
      "--json",
      "-n",
      "10",
      "--min-priority",
      "error",
    ]);
    const priorities = severe.stdout
      .trim()
      .split("\n")
      .map((l) => parseAlertJson(l).priority);
    expect(priorities).toHaveLength(10);
    expect(priorities.every((p) => priorityLevel(p) <= priorityLevel("Error"))).toBe(true);
  });

  it("get prints the backlog and exits; version reports the server", async () => {
    const { endpoint } = await serve();
    await new Promise((r) => setTimeout(r, 300)); // let alerts queue with no reader
    const backlog = await run(["get", "-e", endpoint, "--json"]);
    expect(backlog.code).toBe(0);
    expect(backlog.stdout.trim().split("\n").length).toBeGreaterThan(5);
    const version = await run(["version", "-e", endpoint]);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/Falco: +0\.43\.1/);
    expect(version.stdout).toMatch(/gRPC output \(< 0\.44\): +yes/);
  });

  it("stats prints the table by rule once at exit when not on a terminal", async () => {
    const { endpoint } = await serve();
    const r = await run(["stats", "-e", endpoint, "--duration", "1.5"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/COUNT +PRIORITY +RULE/);
    const counts = lines.slice(1, -1).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(counts.length).toBeGreaterThan(2);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    const total = Number(/^(\d+) alerts, \d+ rules$/.exec(lines.at(-1) ?? "")?.[1]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
  });

  it("serve --generate-certs runs mutual TLS, and tail connects with the printed flags", async () => {
    const dir = mkdtempSync(join(tmpdir(), "falco-cli-certs-"));
    dirs.push(dir);
    const { hint } = await serve(["--port", "0", "--generate-certs", dir]);
    const r = await run(["tail", ...hint.split(" "), "--count", "3", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(3);
  });

  it("tail --listen receives Falco 0.44+ http_output POSTs (sent by curl)", async () => {
    const tail = start(["tail", "--listen", "127.0.0.1:0", "--json", "--count", "1"]);
    const url = await new Promise<string>((resolve) => {
      let err = "";
      tail.child.stderr?.on("data", (d) => {
        err += d;
        const m = /http_output at (\S+)/.exec(err);
        if (m?.[1]) resolve(m[1]);
      });
    });
    const body = JSON.stringify({
      output: "10:00:00.000000001: Critical Bucket deleted",
      output_fields: { "aws.user": "bob" },
      priority: "Critical",
      rule: "Delete Bucket",
      source: "aws_cloudtrail",
      tags: ["aws"],
      time: "2026-03-01T10:00:00.000000001Z",
      hostname: "falco-0",
    });
    const curl = spawn("curl", [
      "-sS",
      "-H",
      "Content-Type: application/json",
      "-A",
      "falcosecurity/falco",
      "--data-binary",
      body,
      url,
    ]);
    await new Promise((resolve) => curl.once("exit", resolve));
    const r = await tail.done;
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(body));
  });

  it("exits 2 on bad flags, with a message", async () => {
    const unknown = await run(["tail", "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--bogus'/);
    const bad = await run(["tail", "--min-priority", "loud"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/loud/);
  });

  it("exits 3 when Falco's socket is missing, naming the path", async () => {
    const r = await run(["tail", "-e", "unix:///nonexistent/falco.sock"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no Falco gRPC socket at \/nonexistent\/falco\.sock/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("exits 130 on Ctrl-C (SIGINT)", async () => {
    const { endpoint } = await serve();
    const tail = start(["tail", "-e", endpoint]);
    await new Promise<void>((resolve) => tail.child.stdout?.once("data", () => resolve()));
    tail.child.kill("SIGINT");
    const r = await tail.done;
    expect(r.code).toBe(130);
  });

  it("the demo streams alerts, prints a summary, exits 0 and leaves nothing behind", async () => {
    const r = await start(["--seconds", "2"], demo).done;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Built-in Falco-compatible server on unix:\/\/(\S+)/);
    expect(r.stderr).toMatch(/^\d+ alerts: /m);
    expect(r.stdout).toMatch(/Demo done \(tail exited 0\)/);
    const socket = /server on unix:\/\/(\S+) /.exec(r.stdout)?.[1] ?? "";
    expect(existsSync(socket)).toBe(false);
  });
});
