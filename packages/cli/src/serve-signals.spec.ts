// `falco-alerts serve` stops cleanly on a SIGINT sent as soon as it says "listening on" (a
// script that waits for that line, then interrupts it): exit 130, its socket removed.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bin, startCommand, tempDir, useProcesses } from "../test/spec-process.js";
import { EXIT } from "./exit-codes.js";

// Holds the process for a moment right after it wrote "listening on" (the line is already in
// the pipe), so that the SIGINT lands then, whatever the machine's load: it widens the window
// between the announcement and what follows it. It measures nothing.
const PAUSE_AFTER_LISTENING =
  "data:text/javascript," +
  encodeURIComponent(`
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk, ...rest) => {
      const written = write(chunk, ...rest);
      if (String(chunk).startsWith("listening on"))
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
      return written;
    };`);

describe("falco-alerts serve and signals", () => {
  useProcesses();

  it("a SIGINT right after 'listening on' stops it: exit 130, socket removed", async () => {
    const socket = join(tempDir(), "falco.sock");
    const serve = startCommand(process.execPath, [
      "--import",
      PAUSE_AFTER_LISTENING,
      bin,
      "serve",
      "--socket",
      socket,
    ]);
    await serve.waitFor("stdout", /listening on unix:\/\//);
    serve.child.kill("SIGINT");
    const result = await serve.done;
    expect({ code: result.code, signal: serve.child.signalCode }).toEqual({
      code: EXIT.interrupted,
      signal: null,
    });
    expect(existsSync(socket)).toBe(false);
  });
});
