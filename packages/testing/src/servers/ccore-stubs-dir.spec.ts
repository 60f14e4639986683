// The C-core server's generated Python stubs are shared only between processes of one user.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { findProtoDir } from "./ccore-proto-dir.js";
import { stubsDirFor } from "./ccore-stubs-dir.js";

const protoDir = findProtoDir(fileURLToPath(import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const base = () => {
  const dir = mkdtempSync(join(tmpdir(), "falco-stubs-spec-"));
  dirs.push(dir);
  return dir;
};

it("one directory per user and .proto content, in the given base", () => {
  const where = base();
  const dir = stubsDirFor(protoDir, where);
  expect(dirname(dir)).toBe(where);
  expect(basename(dir)).toMatch(
    new RegExp(`^falco-sdk-ccore-stubs-${process.getuid?.()}-[0-9a-f]{16}$`),
  );
  expect(stubsDirFor(protoDir, where)).toBe(dir);
  mkdirSync(dir, { mode: 0o700 });
  expect(stubsDirFor(protoDir, where)).toBe(dir);
});

it("never uses a directory of that name that another user made, or others may write", () => {
  const where = base();
  const shared = stubsDirFor(protoDir, where);
  mkdirSync(shared);
  if (process.getuid?.() === 0) chownSync(shared, 65534, 65534);
  else chmodSync(shared, 0o777);
  const dir = stubsDirFor(protoDir, where);
  expect(dir).not.toBe(shared);
  expect(dirname(dirname(dir))).toBe(where);
});
