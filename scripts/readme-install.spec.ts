// Nothing is on the npm registry: every README's way to get a package or the falco-alerts
// command must work from a clone with npm alone. scripts/check-packages.mjs (CI) runs the root
// README's set-up and the http README's install line; this checks every README's lines.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { publishablePackages } from "./pack-packages.mjs";
import { falcoDependencyClosure, readmeInstallLines } from "./packaging/readme-install.mjs";
import { SETUP_HEADING, setupCommands } from "./packaging/readme-setup.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");
const packages = publishablePackages() as { dir: string; manifest: { name: string } }[];
const manifests = new Map(packages.map(({ manifest }) => [manifest.name, manifest]));

/** Commands that fail for a user with a clone and npm (404), or run a stranger's package. */
const BROKEN = [
  /pnpm --filter @falco-sdk\/cli exec/,
  /npm (install|i) (-g |--global )?@falco-sdk\//,
  /npx (--yes |-y )?(falco-alerts|@falco-sdk)/,
  /"npx"/,
];

describe("READMEs: from a clone with npm alone", () => {
  it("no README suggests a command that needs the registry, pnpm or npx", () => {
    const markdown = execFileSync("git", ["ls-files", "*.md"], { cwd: root, encoding: "utf8" })
      .split("\n")
      .filter((f) => f && !f.endsWith("CHANGELOG.md") && !f.startsWith(".changeset/"));
    // Code blocks, and prose lines except those that explain the registry has nothing.
    const suggestions = (text: string) => {
      let inCode = false;
      return text.split("\n").flatMap((line, i) => {
        if (line.trimStart().startsWith("```")) inCode = !inCode;
        return inCode || !line.includes("registry") ? [{ n: i + 1, line }] : [];
      });
    };
    const found = markdown.flatMap((file) =>
      suggestions(read(file))
        .filter(({ line }) => BROKEN.some((pattern) => pattern.test(line)))
        .map(({ n, line }) => `${file}:${n}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it("the root README's set-up packs every package and installs them all globally", () => {
    const commands = setupCommands(read("README.md"));
    expect(commands).toEqual([
      "npm run pack",
      "npm install -g ./dist-packages/*.tgz",
      "falco-alerts --help",
    ]);
    expect(JSON.parse(read("package.json")).scripts.pack).toBe("node scripts/setup.mjs pack");
    expect(read("packages/cli/README.md")).toMatch(/^npm run pack /m);
    expect(read("packages/cli/README.md")).toContain("npm install -g ./dist-packages/*.tgz");
    expect(SETUP_HEADING).toBe("## `falco-alerts` from a clone");
  });

  it("each library's README installs it with every @falco-sdk package it needs", () => {
    const problems: string[] = [];
    for (const { dir, manifest } of packages) {
      if (manifest.name === "@falco-sdk/cli") continue; // the global install above
      const readme = readFileSync(join(dir, "README.md"), "utf8");
      const lines = readmeInstallLines(readme);
      if (!lines.some((l) => l.packages.includes(manifest.name))) {
        problems.push(`${manifest.name}: no install line names it`);
      }
      for (const line of lines) {
        const needed = new Set(
          line.packages.flatMap((p) => [...falcoDependencyClosure(p, manifests)]),
        );
        const missing = [...needed].filter((p) => !line.packages.includes(p));
        const unknown = line.packages.filter((p) => !manifests.has(p));
        if (missing.length) problems.push(`${line.command}: also needs ${missing.join(", ")}`);
        if (unknown.length) problems.push(`${line.command}: no such package ${unknown.join(", ")}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
