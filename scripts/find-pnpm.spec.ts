// Every script must find pnpm on a fresh machine, where only Node.js and npm
// are installed: here PATH holds node, npm and the system's tools, no pnpm.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PATH_WITHOUT_PNPM = [dirname(process.execPath), "/usr/bin", "/bin"].join(":");

function run(command: string, args: string[], cwd: string, path = PATH_WITHOUT_PNPM) {
  return new Promise<{ code: number; out: string }>((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { PATH: path, HOME: process.env.HOME ?? "/root" } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

const scratch = mkdtempSync(join(tmpdir(), "falco-sdk-no-pnpm-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("scripts without a global pnpm", () => {
  it("the test PATH really has no pnpm", async () => {
    expect((await run("bash", ["-c", "command -v pnpm || echo none"], root)).out.trim()).toBe(
      "none",
    );
  });

  it("scripts/bin/pnpm runs pnpm 12", async () => {
    const res = await run("bash", [join(root, "scripts/bin/pnpm"), "--version"], root);
    expect(res.code).toBe(0);
    expect(res.out.trim()).toMatch(/^12\./);
  });

  it("the drift check runs (it calls pnpm) in a copy of the repository", async () => {
    // A copy, so that buf generate rewrites the copy's stubs, not the ones
    // other tests are reading.
    for (const f of [
      ".gitignore",
      "buf.yaml",
      "buf.gen.yaml",
      "package.json",
      "proto",
      "scripts",
    ]) {
      cpSync(join(root, f), join(scratch, f), { recursive: true });
    }
    // Every language's committed stubs (the drift check compares them all).
    for (const gen of [
      "packages/proto/src/gen",
      "packages/python/src/falco_sdk/_gen",
      "packages/go/falco/gen",
      "packages/rust/src/gen",
    ]) {
      cpSync(join(root, gen), join(scratch, gen), { recursive: true });
    }
    // The copy uses the repository's buf from PATH. No node_modules there, and
    // no install before pnpm exec (pnpm 12 would install into the copy).
    writeFileSync(join(scratch, "pnpm-workspace.yaml"), "verifyDepsBeforeRun: false\n");
    const git = (...args: string[]) => run("git", args, scratch);
    await git("init", "-q");
    await git("add", "-A");
    await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "copy");
    // buf, and Go and Rust (which install the Go and Rust generators when
    // they are not cached yet): still no pnpm.
    const toolchains = ["go", "cargo"].map((tool) =>
      dirname(execFileSync("bash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim()),
    );
    const withBuf = [join(root, "node_modules/.bin"), ...toolchains, PATH_WITHOUT_PNPM].join(":");
    const res = await run("bash", ["scripts/check-generated.sh"], scratch, withBuf);
    expect(res.out).not.toMatch(/command not found/);
    expect(res.out).toMatch(/generated code matches proto/);
    expect(res.code).toBe(0);
  });
});
