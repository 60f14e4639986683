// A reader that goes away (`falco-alerts <cmd> --help | head`) ends falco-alerts quietly, exit 0:
// real processes whose stdout pipe is closed by the reader before falco-alerts writes, so every
// write fails with EPIPE (deterministic, unlike a `head` that may read everything first).
import { describe, expect, it } from "vitest";
import { start, useProcesses } from "../test/spec-process.js";

useProcesses();

/** falco-alerts with the read end of its stdout (and optionally stderr) closed at once. */
function withClosedReader(args: string[], closeStderr = false) {
  const started = start(args);
  started.child.stdout?.destroy();
  if (closeStderr) started.child.stderr?.destroy();
  return started.done;
}

describe("falco-alerts with a closed stdout", () => {
  it("<cmd> --help exits 0 without an error, every time", { timeout: 120_000 }, async () => {
    const commands = ["tail", "get", "version", "stats", "metrics", "relay", "serve", "noise"];
    for (let round = 0; round < 2; round++) {
      const results = await Promise.all(
        commands.map((command) => withClosedReader([command, "--help"])),
      );
      for (const [i, r] of results.entries()) {
        expect(r.stderr, commands[i]).toBe("");
        expect(r.code, commands[i]).toBe(0);
      }
    }
  });

  it("--help and --version exit 0 when stderr is closed too", async () => {
    for (const args of [["--help"], ["--version"], ["tail", "--help"]]) {
      const r = await withClosedReader(args, true);
      expect(r.code, args.join(" ")).toBe(0);
    }
  });

  it("an error with a closed stderr still exits with its status", async () => {
    const r = await withClosedReader(["tail", "--bogus"], true);
    expect(r.code).toBe(2);
  });
});
