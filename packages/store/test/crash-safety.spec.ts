import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { openAlertStore } from "../src/index.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Runs the appender until it has acknowledged `batches` batches, then kills it with SIGKILL. */
async function appendThenKill(directory: string, batches: number): Promise<number> {
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, "append-until-killed.mjs"), directory],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let acked = 0;
  let seen = 0;
  for await (const line of createInterface({ input: child.stdout })) {
    acked = Number(line);
    // SIGKILL lands wherever the appender is then: in a transaction, an fsync, between batches.
    if (++seen === batches) child.kill("SIGKILL");
  }
  await exited;
  return acked;
}

describe("crash safety", () => {
  it("kill -9 at any moment loses no appended alert and leaves a store that opens", async () => {
    const directory = mkdtempSync(join(tmpdir(), "falco-store-crash-"));
    dirs.push(directory);
    let acked = 0;
    for (const batches of [1, 7, 20, 3, 13]) {
      acked = await appendThenKill(directory, batches);
      const store = openAlertStore({ directory });
      const { count, firstCursor, lastCursor } = store.stats();
      expect(lastCursor).toBeGreaterThanOrEqual(acked);
      expect(firstCursor).toBe(1);
      expect(count).toBe(lastCursor);
      let expected = 1;
      for await (const alert of store.read({ follow: false, pageSize: 500 })) {
        expect(alert.cursor).toBe(expected);
        expect(alert.outputFields["evt.num"]).toBe(expected - 1);
        expected++;
      }
      expect(expected - 1).toBe(lastCursor);
      store.close();
    }
    expect(acked).toBeGreaterThan(0);
  });
});
