// falco-alerts noise as a real process: log files (text lines mixed in, gzip, stdin),
// a live stream from Falco's http_output, and the HTML report rendered by headless
// Chromium (Debian's chromium, installed by scripts/ensure-system-deps.sh).
import { spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { SERIES_COLORS } from "@falco-sdk/noise";
import { noisyAlertLog } from "@falco-sdk/testing/fixtures";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { bin, run, start, tempDir, useProcesses } from "../test/spec-process.js";

useProcesses();

const STARTUP = [
  "Mon Dec  1 10:00:00 2026: Falco version: 0.43.0 (x86_64)",
  "Mon Dec  1 10:00:00 2026: Loading rules from file /etc/falco/falco_rules.yaml",
];

function logFiles() {
  const dir = tempDir();
  const lines = noisyAlertLog(500, 100, 5);
  const plain = join(dir, "events.json");
  writeFileSync(plain, `${[...STARTUP, ...lines].join("\n")}\n`);
  const gz = join(dir, "events.json.1.gz");
  writeFileSync(gz, gzipSync(readFileSync(plain)));
  const bare = join(dir, "bare.json");
  writeFileSync(bare, `${lines.join("\n")}\n`);
  return { dir, lines, plain, gz, bare };
}

function withStdin(
  args: string[],
  input: Buffer,
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stdin.end(input);
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout })));
}

function runChromium(args: string[]): Promise<{ status: number | null; stderr: string }> {
  const child = spawn("/usr/bin/chromium", args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.once("close", (status) => resolve({ status, stderr })));
}

describe("falco-alerts noise", () => {
  it("reads Falco JSON logs, skipping text lines; gzip and stdin give the same report", async () => {
    const { plain, gz, lines } = logFiles();
    const table = await run(["noise", plain]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`${lines.length} alerts from`);
    expect(table.stdout).toContain("2 non-alert lines skipped");
    expect(table.stdout).toMatch(
      /Read sensitive file untrusted\n\s+1\. 100 \(\d+\.\d%\)\s+fd.name startswith \/etc\/ and proc.name=backup-agent/,
    );
    expect((await run(["noise", gz])).stdout).toBe(table.stdout);
    expect((await withStdin(["noise", "-"], readFileSync(gz))).stdout).toBe(table.stdout);
  });

  it("writes Markdown and a Falco rules file", async () => {
    const { plain, gz } = logFiles();
    const md = await run(["noise", plain, "--format", "md", "--top", "3"]);
    expect(md.stdout).toMatch(/^# Falco noise report\n/);
    expect(md.stdout).toContain("| 1 | Read sensitive file untrusted | Warning |");
    const rules = await run(["noise", gz, "--format", "falco-rules"]);
    expect(rules.stdout).toContain("override:\n    exceptions: append");
  });

  it("reports what it cannot read, with the exit status of bad settings", async () => {
    const missing = await run(["noise", "/nonexistent/falco.json"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("cannot read /nonexistent/falco.json (ENOENT)");
    const { gz, dir } = logFiles();
    const truncated = join(dir, "cut.gz");
    writeFileSync(truncated, readFileSync(gz).subarray(0, 200));
    const cut = await run(["noise", truncated]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/cannot read .*cut\.gz: /);
    const html = await run(["noise", gz, "--html", join(dir, "missing", "noise.html")]);
    expect(html.code).toBe(3);
    expect(html.stderr).toContain("cannot write --html");
    const both = await run(["noise", gz, "--duration", "5"]);
    expect(both.code).toBe(2);
    const text = await withStdin(["noise"], Buffer.from("Falco started\nnot json\n"));
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("0 alerts from 0 rules");
  });

  it("analyses a live stream from Falco's http_output like the same alerts from a file", async () => {
    const { bare, lines } = logFiles();
    const live = start([
      "noise",
      "--listen-http",
      "127.0.0.1:0",
      "--count",
      String(lines.length),
      "-f",
      "md",
    ]);
    const m = await live.waitFor("stderr", /receiving Falco's http_output at (\S+)/);
    for (const line of lines) {
      // One POST per alert, as Falco's http_output sends them.
      const res = await fetch(m[1]!, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "falcosecurity/falco" },
        body: line,
      });
      await res.arrayBuffer();
    }
    const result = await live.done;
    expect(result.code).toBe(0);
    const file = await run(["noise", bare, "-f", "md"]);
    expect(result.stdout).toBe(file.stdout);
  });

  it("--duration ends a live run by itself", async () => {
    const r = await run(["noise", "--listen-http", "127.0.0.1:0", "--duration", "0.5"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("0 alerts from 0 rules");
  });

  it("--html writes a self-contained report whose chart Chromium draws", async () => {
    expect(
      existsSync("/usr/bin/chromium"),
      "run scripts/ensure-system-deps.sh (Debian chromium)",
    ).toBe(true);
    const { plain, dir } = logFiles();
    const html = join(dir, "noise.html");
    const r = await run(["noise", plain, "--html", html]);
    expect(r.code).toBe(0);
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/<script|<link|src=|url\(/i); // nothing to fetch at view time
    const shot = join(dir, "shot.png");
    // Started asynchronously, so that a browser that hangs fails by the test's timeout.
    const chromium = await runChromium([
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      `--user-data-dir=${join(dir, "profile")}`,
      "--window-size=1000,700",
      `--screenshot=${shot}`,
      `file://${html}`,
    ]);
    expect(chromium.status, chromium.stderr).toBe(0);
    const png = PNG.sync.read(readFileSync(shot));
    const near = (hex: string) => {
      const [r0, g0, b0] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
      let n = 0;
      for (let i = 0; i < png.data.length; i += 4) {
        const d =
          Math.abs(png.data[i]! - r0!) +
          Math.abs(png.data[i + 1]! - g0!) +
          Math.abs(png.data[i + 2]! - b0!);
        if (d < 30) n++;
      }
      return n;
    };
    // The legend swatches alone are 12x12 px: a drawn line is far more than that.
    for (const color of SERIES_COLORS) expect(near(color)).toBeGreaterThan(400);
    // A browser start on a loaded machine: its own budget, not the 30 s of a CLI run.
  }, 90_000);
});
