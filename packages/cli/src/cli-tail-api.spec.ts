// falco-alerts tail --api, as a real process, against the real @falco-sdk/api server on a real
// store: output, --resume across runs and kills, credentials, gaps.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type AlertApiServer, createAlertApiServer } from "@falco-sdk/api";
import { parseAlertJson } from "@falco-sdk/core";
import { type AlertStore, openAlertStore } from "@falco-sdk/store";
import { afterEach, describe, expect, it } from "vitest";
import { type Started, start, tempDir, useProcesses } from "../test/spec-process.js";
import { defaultCursorFile } from "./api-input.js";

useProcesses();

const servers: { server: AlertApiServer; store: AlertStore }[] = [];
afterEach(async () => {
  for (const { server, store } of servers.splice(0)) {
    await server.close();
    store.close();
  }
});

/** Falco's JSON of test alert `i`; its evt.num is above 2^53. */
const alertJson = (i: number) =>
  `{"hostname":"node-${i % 2}","output":"alert ${i}","output_fields":{"evt.num":${9007199254740993n + BigInt(i)},"n":${i}},"priority":"${i % 2 ? "Warning" : "Notice"}","rule":"Rule ${i % 3}","source":"syscall","tags":["t"],"time":"${new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString()}"}`;

const alerts = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => parseAlertJson(alertJson(from + k)));

async function api(options: { token?: string; maxCount?: number } = {}) {
  const store = openAlertStore({
    directory: tempDir(),
    durable: false,
    ...(options.maxCount !== undefined && { maxCount: options.maxCount }),
  });
  const server = await createAlertApiServer({
    store,
    port: 0,
    ...(options.token !== undefined && { token: options.token }),
  });
  servers.push({ server, store });
  return { store, url: server.url };
}

/** The `n` output field of each JSON line printed. */
const numbers = (stdout: string) =>
  stdout
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => Number(JSON.parse(line).output_fields.n));

/** Waits until the process has printed `lines` lines on stdout. */
const printed = (tail: Started, lines: number) =>
  tail.waitFor("stdout", new RegExp(`^(?:.*\\n){${lines}}`));

describe("falco-alerts tail --api", () => {
  it("prints the stream in the usual formats, big integers exact, with the filter flags", async () => {
    const { store, url } = await api();
    store.append(alerts(0, 10));
    const json = await start(["tail", "--api", url, "--since", "all", "--json", "-n", "3"]).done;
    expect(json.code).toBe(0);
    expect(json.stdout.split("\n")[0]).toContain('"evt.num":9007199254740993');
    expect(numbers(json.stdout)).toEqual([0, 1, 2]);
    const text = await start([
      "tail",
      ...["--api", url, "--since", "all", "-p", "warning", "--rule", "Rule 0", "-n", "2"],
    ]).done;
    expect(text.code).toBe(0);
    // Warning (odd) and Rule 0 (multiple of 3): 3 and 9.
    expect(text.stdout).toMatch(/^.*Warning\s+Rule 0\s.*alert 3\n.*Warning\s+Rule 0\s.*alert 9\n$/);
  });

  it("--resume continues right after the last alert the previous run printed", async () => {
    const { store, url } = await api();
    store.append(alerts(0, 10));
    const state = tempDir();
    const env = { XDG_STATE_HOME: state };
    const args = ["tail", "--api", url, "--resume", "--since", "all", "--json", "-n", "4"];
    const first = await start(args, undefined, env).done;
    expect(numbers(first.stdout)).toEqual([0, 1, 2, 3]);
    const file = defaultCursorFile(url, env);
    expect(file).toBe(
      join(state, "falco-alerts", "tail-cursors", `http_127.0.0.1_${new URL(url).port}.cursor`),
    );
    expect(readFileSync(file, "utf8")).toBe("4\n");
    const second = await start(args, undefined, env).done;
    expect(numbers(second.stdout)).toEqual([4, 5, 6, 7]);
    // Ended by SIGTERM while waiting for alerts: what it printed is kept too.
    const third = start(args.slice(0, -2), undefined, env);
    await printed(third, 2);
    third.child.kill("SIGTERM");
    expect((await third.done).code).toBe(0);
    expect(numbers((await third.done).stdout)).toEqual([8, 9]);
    expect(readFileSync(file, "utf8")).toBe("10\n");
  });

  it("killed and restarted 20 times while alerts stream in: every alert, in order, none skipped", async () => {
    const { store, url } = await api();
    const file = join(tempDir(), "tail.cursor");
    const total = 4100;
    let appended = 0;
    const append = (n: number) => {
      store.append(alerts(appended, appended + n));
      appended += n;
    };
    const runs: { lines: number[]; signal: string }[] = [];
    for (let run = 0; run < 20; run++) {
      append(100);
      const tail = start(["tail", "--api", url, "--cursor-file", file, "--since", "all", "--json"]);
      await printed(tail, 10);
      // More alerts while it prints, then most runs die at once (kill -9); every fourth is
      // stopped (SIGTERM).
      append(100);
      const signal = run % 4 === 3 ? "SIGTERM" : "SIGKILL";
      tail.child.kill(signal);
      runs.push({ lines: numbers((await tail.done).stdout), signal });
    }
    // The last run: what the others left, and 100 more.
    append(100);
    expect(appended).toBe(total);
    const seen = runs.reduce((n, r) => n + r.lines.length, 0);
    const last = start(["tail", "--api", url, "--cursor-file", file, "--json"]);
    const rest = numbers((await last.waitFor("stdout", new RegExp(`"n":${total - 1}\\}`))).input);
    last.child.kill("SIGTERM");
    runs.push({ lines: rest, signal: "SIGTERM" });
    // Each run starts right after the previous one's last line, or (after a kill -9 between
    // printing a line and saving its cursor) at that same line again: never later.
    const all: number[] = [];
    for (const [i, { lines }] of runs.entries()) {
      const previous = all[all.length - 1] ?? -1;
      const first = lines[0];
      if (i > 0 && runs[i - 1]?.signal === "SIGKILL" && first === previous) lines.shift();
      expect(lines[0]).toBe(previous + 1);
      all.push(...lines);
    }
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(seen).toBeGreaterThan(0);
  }, 180_000);

  it("says which flag to give when the API wants credentials", async () => {
    const { url } = await api({ token: "s3cret" });
    const none = await start(["tail", "--api", url]).done;
    expect(none.code).toBe(3);
    expect(none.stderr).toBe(
      `falco-alerts: ${url} requires credentials (HTTP 401): give --api-token-file\n`,
    );
    const dir = tempDir();
    writeFileSync(join(dir, "wrong"), "guess\n");
    const wrong = await start(["tail", "--api", url, "--api-token-file", join(dir, "wrong")]).done;
    expect(wrong.stderr).toContain(
      "refused the credentials given as --api-token-file (HTTP 401): check --api-token-file",
    );
    writeFileSync(join(dir, "right"), "s3cret\n");
    const right = start(["tail", "--api", url, "--api-token-file", join(dir, "right"), "-v"]);
    await right.waitFor("stderr", /caught up/);
    right.child.kill("SIGTERM");
    expect((await right.done).code).toBe(0);
  });

  it("nothing listening, or flags that do not go together: a clear error", async () => {
    const { url } = await api();
    const gone = url.replace(/:\d+$/, ":1");
    const refused = await start(["tail", "--api", gone]).done;
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("ECONNREFUSED");
    expect(refused.stderr).toContain("check --api and that the API server runs");
    const resume = await start(["tail", "--resume"]).done;
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain("--resume and --cursor-file go with --api");
    const both = await start(["tail", "--api", url, "--from", "unix:///x.sock"]).done;
    expect(both.code).toBe(2);
  });

  it("reports a gap (alerts removed by retention before it read them) and counts it", async () => {
    const { store, url } = await api({ maxCount: 10 });
    store.append(alerts(0, 30));
    const file = join(tempDir(), "tail.cursor");
    writeFileSync(file, "5\n");
    const tail = start(["tail", "--api", url, "--cursor-file", file, "--json", "--summary"]);
    await printed(tail, 10);
    tail.child.kill("SIGTERM");
    const result = await tail.done;
    expect(numbers(result.stdout)).toEqual(Array.from({ length: 10 }, (_, i) => 20 + i));
    expect(result.stderr).toContain(
      "15 alerts after cursor 5 were removed by the server's retention before this tail read them",
    );
    expect(result.stderr).toContain(
      "loss: 15 alerts removed by the server's retention before read",
    );
    expect(existsSync(file)).toBe(true);
  });

  it("follows a relay's --serve-http across a relay restart on the same store, nothing lost", async () => {
    const dir = tempDir();
    const relayArgs = (serve: string) => [
      ...["relay", "--listen-http", "127.0.0.1:0", "--store", join(dir, "store")],
      ...["--serve-http", serve],
    ];
    const relay = start(relayArgs("127.0.0.1:0"));
    const url = (await relay.waitFor("stdout", /serving the alert API on (\S+) /))[1] as string;
    const post = async (input: string, from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const posted = await fetch(input, {
          method: "POST",
          body: alertJson(i),
          headers: { "Content-Type": "application/json" },
        });
        expect(posted.status).toBeLessThan(300);
      }
    };
    await post((await relay.waitFor("stderr", /http_output at (\S+)\n/))[1] as string, 0, 5);
    const tail = start(["tail", "--api", url, "--since", "all", "--json"]);
    await printed(tail, 5);
    relay.child.kill("SIGTERM");
    expect((await relay.done).code).toBe(0);
    await tail.waitFor("stderr", /disconnected: .*\(nothing is lost\)/);
    const again = start(relayArgs(new URL(url).host));
    await post((await again.waitFor("stderr", /http_output at (\S+)\n/))[1] as string, 5, 10);
    await printed(tail, 10);
    tail.child.kill("SIGTERM");
    const result = await tail.done;
    expect(result.code).toBe(0);
    expect(numbers(result.stdout)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    again.child.kill("SIGTERM");
  }, 60_000);
});
