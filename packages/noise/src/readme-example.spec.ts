// Runs the README's example code, as written there, as a real process on a Falco JSON log.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { noisyAlertLog } from "@falco-sdk/testing/fixtures";
import { afterEach, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

it("the README example prints the noisiest rules of a Falco JSON log and what explains them", async () => {
  const readme = await readFile(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("new NoiseAnalyzer");
  // Inside the package, so that `@falco-sdk/noise` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  cleanups.push(() => rmSync(script, { force: true }));
  const dir = mkdtempSync(join(tmpdir(), "falco-noise-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, "events.json");
  const lines = noisyAlertLog(300, 100, 3);
  writeFileSync(log, `Mon Dec  1 10:00:00 2026: Falco version: 0.43.0\n${lines.join("\n")}\n`);

  const child = spawn(process.execPath, [script, log], { stdio: ["ignore", "pipe", "inherit"] });
  cleanups.push(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(await exited).toBe(0);
  expect(out).toContain(`${lines.length} alerts from`);
  expect(out).toContain("1 non-alert line skipped");
  // Rules past `top`, named in the library's words (the CLI says "--top").
  expect(out).toMatch(/^\(\d+ more rules: top: \d+\)$/m);
  // The two noise sources of the log, found with the fields that explain them.
  expect(out).toMatch(
    /Read sensitive file untrusted\n.*fd\.name startswith \/etc\/ and user\.name=root/,
  );
  expect(out).toMatch(
    /Write below etc\n.*fd\.name startswith \/etc\/nginx\/conf\.d\/ and proc\.name=nginx-reloader/,
  );
});
