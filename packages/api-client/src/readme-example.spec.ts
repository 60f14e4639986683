// Runs the README's example, as written there, as a real process against the real API server:
// killed with SIGKILL mid-stream and started again, it goes on after the last alert it printed.
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PRIORITIES } from "@falco-sdk/core";
import { afterEach, expect, it } from "vitest";
import { cleanUp, startApi, tempDir, testAlerts } from "../test/api-fixture.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await cleanUp();
});

/** The example as a process; `lines(n)` waits for n lines of stdout. */
function example(script: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  let err = "";
  const waiters: (() => void)[] = [];
  child.stdout?.on("data", (d) => {
    out += d;
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr?.on("data", (d) => {
    err += d;
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    async lines(n: number): Promise<string[]> {
      while (out.split("\n").length - 1 < n) {
        if (child.exitCode !== null) throw new Error(`exited: ${err}`);
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      return out.split("\n").slice(0, n);
    },
  };
}

it("the README example resumes after kill -9 right after the last alert it printed", async () => {
  const readme = await readFile(join(pkg, "README.md"), "utf8");
  const code = /## Example\n[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toContain("cursorFile");
  // Inside the package, so that `@falco-sdk/api-client` resolves to this package's dist/.
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  writeFileSync(script, code ?? "");
  const api = await startApi();
  const env = { FALCO_API_URL: api.url, CURSOR_FILE: join(tempDir(), "falco.cursor") };
  // Alerts 0..99: Warning or worse when i % 8 <= 4 (Emergency..Warning).
  api.store.append(testAlerts(0, 100));
  const warning = (i: number) => i % 8 <= PRIORITIES.indexOf("Warning");
  try {
    const first = example(script, env);
    const printed = await first.lines(20);
    first.child.kill("SIGKILL");
    await first.exited;
    const firstCursors = first
      .stdout()
      .trim()
      .split("\n")
      .map((line) => Number(line.split(" ")[0]));
    expect(printed[0]).toBe("1 Emergency Terminal shell in container evt.num=9007199254740993");
    api.store.append(testAlerts(100, 200));
    const second = example(script, env);
    const wanted = Array.from({ length: 200 }, (_, i) => i).filter(warning);
    const rest = wanted.length - firstCursors.length;
    const last = (lines: string[]) => Number(lines[lines.length - 1]?.split(" ")[0]);
    let secondLines = await second.lines(rest);
    // One more when the first run's last alert comes again.
    if (last(secondLines) !== (wanted[wanted.length - 1] as number) + 1) {
      secondLines = await second.lines(rest + 1);
    }
    second.child.kill("SIGTERM");
    await second.exited;
    const all = [...firstCursors, ...secondLines.map((line) => Number(line.split(" ")[0]))];
    // The alert printed when kill -9 came may be printed again (its cursor not yet saved).
    const deduped = all.filter((cursor, i) => i === 0 || cursor !== all[i - 1]);
    expect(deduped.slice(0, wanted.length)).toEqual(wanted.map((i) => i + 1));
    expect(second.stderr()).toBe("");
  } finally {
    rmSync(script, { force: true });
  }
});
