// One exit status per mistake, whichever command makes it: real processes of the built bin.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, tempDir, useProcesses } from "../test/spec-process.js";
import { EXIT } from "./exit-codes.js";

useProcesses();

const COMMANDS = [
  ["get"],
  ["version"],
  ["tail"],
  ["stats"],
  ["metrics", "--metrics-listen", "127.0.0.1:0"],
  // Fails before it listens: the socket's directory does not even exist.
  ["relay", "--serve", "/nonexistent/relay.sock"],
] as const;

describe("falco-alerts exit statuses", () => {
  it("the same bad setting exits 3 from get, version, tail, stats, metrics and relay", {
    timeout: 120_000,
  }, async () => {
    const missing = join(tempDir(), "missing.crt");
    const mistakes: Record<string, string[]> = {
      "TCP without certificates": ["-e", "127.0.0.1:5060"],
      "a missing certificate file": ["-e", "127.0.0.1:5060", "--cert", missing, "--key", missing],
      "endpoint localhost (no port)": ["-e", "localhost"],
    };
    for (const [mistake, args] of Object.entries(mistakes)) {
      const results = await Promise.all(COMMANDS.map((command) => run([...command, ...args])));
      for (const [i, r] of results.entries()) {
        const what = `${COMMANDS[i]?.[0]}: ${mistake}`;
        expect(r.code, `${what}: ${r.stderr}`).toBe(EXIT.connect);
        expect(r.stderr.trim().split("\n"), what).toHaveLength(1);
      }
      // The same message from every command.
      expect(new Set(results.map((r) => r.stderr)).size, mistake).toBe(1);
    }
  });
});
