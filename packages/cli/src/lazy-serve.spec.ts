// `falco-alerts serve` stays in the CLI, but only serve loads @falco-sdk/testing (the test
// server, its PKI library, the gRPC server stack): every other command starts without it.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, startCommand, tempDir, useProcesses } from "../test/spec-process.js";

// A module hook (node --import) that makes any import of @falco-sdk/testing fail.
const FORBID_TESTING =
  "data:text/javascript," +
  encodeURIComponent(`
    import { register } from "node:module";
    register("data:text/javascript," + encodeURIComponent(
      "export async function resolve(s, c, next) {" +
      "  if (s === '@falco-sdk/testing' || s.startsWith('@falco-sdk/testing/'))" +
      "    throw new Error('imported ' + s);" +
      "  return next(s, c);" +
      "}"));`);

const withoutTesting = (args: string[]) =>
  startCommand(process.execPath, ["--import", FORBID_TESTING, bin, ...args]).done;

describe("falco-alerts start-up without the test server", () => {
  useProcesses();

  it("runs --version, help, tail and get without importing @falco-sdk/testing", async () => {
    const missing = `unix://${join(tempDir(), "none.sock")}`;
    const results = await Promise.all([
      withoutTesting(["--version"]),
      withoutTesting(["tail", "--help"]),
      withoutTesting(["serve", "--help"]),
      withoutTesting(["tail", "-e", missing]),
      withoutTesting(["get", "-e", missing]),
    ]);
    for (const result of results) expect(result.stderr).not.toMatch(/imported @falco-sdk/);
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 3, 3]);
  });

  it("serve does import it (the hook above works)", async () => {
    const result = await withoutTesting(["serve", "--socket", join(tempDir(), "falco.sock")]);
    expect(result.stderr).toMatch(/imported @falco-sdk\/testing/);
    expect(result.code).toBe(1);
  });
});
