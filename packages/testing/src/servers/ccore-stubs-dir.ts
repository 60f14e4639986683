import { createHash } from "node:crypto";
import { lstatSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** True when `dir` is missing, or a directory of this user that nobody else may write. */
function safeToShare(dir: string): boolean {
  let stats: ReturnType<typeof lstatSync>;
  try {
    stats = lstatSync(dir);
  } catch {
    return true; // the interop server creates it (mode 0700)
  }
  const uid = process.getuid?.();
  return (
    stats.isDirectory() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o022) === 0
  );
}

/**
 * The directory of generated Python stubs: one per user and content of the .proto files,
 * shared by every server of that user on this machine, generated once, never stale. A
 * directory of that name that another user made (unreadable, or code this process must not
 * import) is never used: then the stubs go to a private directory of this process.
 */
export function stubsDirFor(protoDir: string, base = tmpdir()): string {
  const hash = createHash("sha256");
  for (const name of ["schema", "outputs", "version"]) {
    hash.update(readFileSync(join(protoDir, "falco", `${name}.proto`)));
  }
  const user = process.getuid?.() ?? "user";
  const shared = join(base, `falco-sdk-ccore-stubs-${user}-${hash.digest("hex").slice(0, 16)}`);
  if (safeToShare(shared)) return shared;
  return join(mkdtempSync(join(base, "falco-sdk-ccore-stubs-")), "stubs");
}
