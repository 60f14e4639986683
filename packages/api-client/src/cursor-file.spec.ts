import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CursorFile, readCursor } from "./cursor-file.js";

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), "cursor-file-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  }
});

describe("CursorFile", () => {
  it("creates its directory, saves by rename, leaves no temporary file", () => {
    const path = join(temp(), "a", "b", "c.cursor");
    const file = new CursorFile(path);
    expect(file.cursor).toBeUndefined();
    file.save(42);
    file.save(43);
    expect(readCursor(path)).toBe(43);
    expect(new CursorFile(path).cursor).toBe(43);
    expect(readdirSync(join(path, ".."))).toEqual(["c.cursor"]);
  });

  it("refuses a file that does not hold a cursor, and a directory it cannot write", () => {
    const dir = temp();
    const path = join(dir, "bad.cursor");
    writeFileSync(path, "12abc");
    expect(() => new CursorFile(path)).toThrow(/does not hold a cursor/);
    writeFileSync(path, "");
    expect(() => new CursorFile(path)).toThrow(/does not hold a cursor/);
    if (process.getuid?.() === 0) return; // root writes anywhere
    const locked = temp();
    chmodSync(locked, 0o500);
    expect(() => new CursorFile(join(locked, "x.cursor"))).toThrow(/cannot write in/);
  });
});
