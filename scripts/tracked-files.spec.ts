// Build output never lands in git: it goes stale and differs per machine.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

it("git tracks no compiled Python, dist output or node_modules", () => {
  const files = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n");
  const built = files.filter((f) =>
    /(^|\/)(__pycache__|dist|node_modules|target)\/|\.py[co]$|\.tsbuildinfo$/.test(f),
  );
  expect(built).toEqual([]);
});
