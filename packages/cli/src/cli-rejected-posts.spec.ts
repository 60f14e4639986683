// Alerts Falco POSTs that the receiver refuses are reported: each printed with its reason,
// counted in the summary and in the metrics. Real processes, real POSTs over loopback.
import { describe, expect, it } from "vitest";
import { start, useProcesses } from "../test/spec-process.js";

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

/** One POST like Falco's http_output; resolves with the status. */
const post = (url: string, body: string, type = "application/json") =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": type, "User-Agent": "falcosecurity/falco" },
    body,
  }).then(async (res) => {
    await res.text();
    return res.status;
  });

describe("requests the HTTP receiver refuses", () => {
  it("tail --listen-http -v prints each with its reason; the summary counts them", async () => {
    const tail = start(["tail", "--listen-http", "127.0.0.1:0", "-v", "--summary", "--json"]);
    const [, url = ""] = await tail.waitFor("stderr", /http_output at (\S+)\n/);
    expect(await post(url, "{not json")).toBe(400);
    expect(await post(url, ALERT, "application/x-www-form-urlencoded")).toBe(415);
    expect(await post(url, "{also not json")).toBe(400);
    expect(await post(url, ALERT)).toBe(204);
    await tail.waitFor("stdout", /Delete Bucket/);
    await tail.waitFor("stderr", /(refused a request[^\n]*\n[\s\S]*){3}/);
    tail.child.kill("SIGTERM");
    const r = await tail.done;
    expect(r.code).toBe(0);
    const refused = r.stderr.split("\n").filter((l) => l.includes("refused a request"));
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatch(/\(400 bad-body\): .*JSON.*1 request refused so far$/);
    expect(refused[1]).toMatch(/\(415 content-type\): Content-Type must be application\/json/);
    expect(refused[2]).toMatch(/3 requests refused so far$/);
    expect(r.stderr).toMatch(/^1 alert: Critical 1$/m);
    expect(r.stderr).toMatch(
      /^loss: 3 requests rejected by the receiver \(content-type 1, bad-body 2\)$/m,
    );
  });

  it("without -v, the first refusal of each reason is printed, and all are counted", async () => {
    const tail = start(["tail", "--listen-http", "127.0.0.1:0", "--summary"]);
    const [, url = ""] = await tail.waitFor("stderr", /http_output at (\S+)\n/);
    for (let i = 0; i < 3; i++) expect(await post(url, "")).toBe(400);
    expect(await post(url, ALERT)).toBe(204);
    await tail.waitFor("stdout", /Delete Bucket/);
    await tail.waitFor("stderr", /refused a request/);
    tail.child.kill("SIGTERM");
    const r = await tail.done;
    const refused = r.stderr.split("\n").filter((l) => l.includes("refused a request"));
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(/further refusals are counted; -v prints each/);
    expect(r.stderr).toMatch(/^loss: 3 requests rejected by the receiver \(bad-body 3\)$/m);
  });

  it("stats and noise say what the receiver refused after their table", async () => {
    for (const command of ["stats", "noise"]) {
      const run = start([command, "--listen-http", "127.0.0.1:0"]);
      const [, url = ""] = await run.waitFor("stderr", /http_output at (\S+)\n/);
      expect(await post(url, "{not json")).toBe(400);
      await run.waitFor("stderr", /refused a request/);
      run.child.kill("SIGTERM");
      const r = await run.done;
      expect(r.code, command).toBe(0);
      expect(r.stderr, command).toMatch(
        /^falco-alerts: loss: 1 request rejected by the receiver \(bad-body 1\)$/m,
      );
    }
  });

  it("metrics --listen-http exports them by reason", async () => {
    const metrics = start([
      ...["metrics", "--listen-http", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"],
    ]);
    const [, receiver = ""] = await metrics.waitFor("stderr", /http_output at (\S+)\n/);
    const [, url = ""] = await metrics.waitFor("stderr", /serving metrics at (\S+)\n/);
    expect(await post(receiver, "{not json")).toBe(400);
    expect(await post(receiver, ALERT, "image/png")).toBe(415);
    const text = await (await fetch(url)).text();
    expect(text).toMatch(/^falco_sdk_requests_rejected_total\{reason="bad-body"\} 1$/m);
    expect(text).toMatch(/^falco_sdk_requests_rejected_total\{reason="content-type"\} 1$/m);
    expect(text).toMatch(/^falco_sdk_requests_rejected_total\{reason="auth"\} 0$/m);
    metrics.child.kill("SIGTERM");
    expect((await metrics.done).code).toBe(0);
  });
});
