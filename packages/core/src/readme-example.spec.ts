// Runs the README's example code, as written there, as a real process fed Falco-like output.
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const alert = (priority: string, rule: string, time: string) =>
  JSON.stringify({
    hostname: "web-1",
    output: `${time.slice(11, 19)}.000000000: ${priority} ${rule}`,
    output_fields: { "proc.name": "bash" },
    priority,
    rule,
    source: "syscall",
    tags: [],
    time,
  });

it("the README example prints the Warning-or-worse alerts of Falco's JSON output", async () => {
  const readme = await readFile(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("tryParseAlertLine");
  // Inside the package, so that `@falco-sdk/core` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  cleanups.push(() => rmSync(script, { force: true }));

  const input = [
    "Tue Dec  1 12:00:00 2026: Falco version: 0.43.0 (x86_64)",
    "Tue Dec  1 12:00:00 2026: Loading rules from file /etc/falco/falco_rules.yaml",
    alert("Warning", "Terminal shell in container", "2026-12-01T12:00:01.000000000Z"),
    alert("Notice", "Unexpected UDP traffic", "2026-12-01T12:00:02.000000000Z"),
    alert("Critical", "Write below etc", "2026-12-01T12:00:03.000000000Z"),
    "",
  ].join("\n");
  const child = spawn(process.execPath, [script], { stdio: ["pipe", "pipe", "inherit"] });
  cleanups.push(() => child.kill("SIGKILL"));
  let out = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.stdin.end(input);
  expect(await exited).toBe(0);
  expect(out.trim().split("\n")).toEqual([
    "2026-12-01T12:00:01.000Z Warning Terminal shell in container",
    "2026-12-01T12:00:03.000Z Critical Write below etc",
  ]);
});
