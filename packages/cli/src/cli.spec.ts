// falco-alerts end to end: every command as a real process, against the
// built-in server started by `falco-alerts serve` (also a real process).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { alertToJson, PRIORITIES, parseAlertJson, priorityLevel } from "@falco-sdk/client";
import { describe, expect, it } from "vitest";
import {
  demo,
  run,
  serve,
  start,
  startCommand,
  tempDir,
  useProcesses,
} from "../test/spec-process.js";

useProcesses();

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
    const dir = tempDir();
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

  it("tail --from and --listen-http together merge gRPC and HTTP alerts into one stream", async () => {
    const { endpoint } = await serve();
    const tail = start(["tail", "--from", endpoint, "--listen-http", "127.0.0.1:0", "--json"]);
    let err = "";
    let out = "";
    const url = await new Promise<string>((resolve) => {
      tail.child.stderr?.on("data", (d) => {
        err += d;
        const m = /http_output at (\S+)/.exec(err);
        if (m?.[1]) resolve(m[1]);
      });
    });
    const body = JSON.stringify({
      output: "10:00:00.000000001: Critical Bucket deleted",
      output_fields: {},
      priority: "Critical",
      rule: "Posted over HTTP",
      time: "2026-03-01T10:00:00.000000001Z",
    });
    spawn("curl", ["-sS", "-H", "Content-Type: application/json", "--data-binary", body, url]);
    await new Promise<void>((resolve) => {
      tail.child.stdout?.on("data", (d) => {
        out += d;
        const rules = out
          .split("\n")
          .filter(Boolean)
          .map((l) => parseAlertJson(l).rule);
        if (rules.includes("Posted over HTTP") && rules.some((r) => r !== "Posted over HTTP")) {
          resolve();
        }
      });
    });
    tail.child.kill("SIGTERM");
    expect((await tail.done).code).toBe(0);
  });

  it("the demo streams alerts, prints a summary, exits 0 and leaves nothing behind", async () => {
    const r = await start(["--seconds", "2"], demo).done;
    expect(r.code).toBe(0);
    const socket = /server on unix:\/\/(\S+) /.exec(r.stdout)?.[1] ?? "";
    expect(socket).toMatch(/falco\.sock$/);
    const alertLines = r.stdout
      .split("\n")
      .filter((l) => /^\d{4}-\d{2}-\d{2} [\d:.]+ {2}[A-Z]/.test(l));
    expect(alertLines.length).toBeGreaterThan(10);
    const total = Number(/^(\d+) alerts: /m.exec(r.stderr)?.[1]);
    expect(total).toBe(alertLines.length);
    expect(r.stderr).toMatch(/^top rules: .+ \(\d+\)/m);
    expect(r.stderr).toMatch(/^loss: none reported$/m);
    expect(r.stdout).toMatch(/Demo done \(tail exited 0\)/);
    expect(existsSync(dirname(socket))).toBe(false);
  });

  it("the demo stops on Ctrl-C with 130, after its summary, and cleans up", async () => {
    const d = start(["--seconds", "60"], demo);
    const m = await d.waitFor("stdout", /server on unix:\/\/(\S+) /);
    await d.waitFor("stdout", /Informational|Notice|Warning|Critical/);
    d.child.kill("SIGINT");
    const r = await d.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/^\d+ alerts?: /m);
    expect(existsSync(dirname(m[1] ?? ""))).toBe(false);
  });
});

describe("README", () => {
  it("the library example runs against the test server and prints the table", async () => {
    const readme = readFileSync(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    const code = /## Library[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const { endpoint } = await serve();
    // Next to package.json, so that @falco-sdk/cli and @falco-sdk/client resolve as for a user.
    const file = fileURLToPath(new URL(`../readme-example-${process.pid}.mjs`, import.meta.url));
    writeFileSync(
      file,
      (code ?? "")
        .replace("unix:///tmp/falco.sock", endpoint)
        .replace("AbortSignal.timeout(10_000)", "AbortSignal.timeout(1_000)"),
    );
    try {
      const r = await startCommand(process.execPath, [file]).done;
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^COUNT +PRIORITY +RULE/);
      expect(r.stdout).toMatch(/^\d+ alerts?, \d+ rules?/m);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
