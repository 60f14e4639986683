// Runs the README's example as a process and checks what it prints.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { listenHttp2 } from "./index.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));

it("the README example listens on a unix socket, answers, and removes the socket at close", () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const code = /## Example\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const script = join(pkg, `.readme-example-${process.pid}.mjs`);
  const dir = mkdtempSync(join(tmpdir(), "grpc-server-"));
  writeFileSync(script, code);
  try {
    const socket = join(dir, "example.sock");
    const out = execFileSync(process.execPath, [script], {
      encoding: "utf8",
      env: { ...process.env, SOCKET: socket },
    });
    expect(out.trim().split("\n")).toEqual([`listening on unix://${socket}`, "grpc-status 12"]);
    expect(existsSync(socket)).toBe(false);
  } finally {
    rmSync(script, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

it("creates the socket with the mode asked for", async () => {
  const dir = mkdtempSync(join(tmpdir(), "grpc-server-"));
  try {
    const socketPath = join(dir, "mode.sock");
    const listener = await listenHttp2({ socketPath, socketMode: 0o600 }, () => {}, false);
    expect(statSync(socketPath).mode & 0o777).toBe(0o600);
    listener.destroy();
    await listener.closed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
