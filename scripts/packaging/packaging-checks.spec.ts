// The packaging check's own rules (scripts/check-packages.mjs runs them on the real tarballs):
// a dependency whose engines leave out part of the stated Node range, and a map naming a file
// the package does not ship, are found; what is fine passes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { enginesProblem, installedOffenders, lockfileOffenders, statedRange } from "./engines.mjs";
import { sourceMapProblems } from "./source-maps.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
const scratch = mkdtempSync(join(tmpdir(), "falco-sdk-packaging-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function write(path: string, content: unknown) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
}

describe("engines", () => {
  const range = "^20.19.0 || ^22.13.0 || ^24.0.0 || ^25.0.0 || ^26.0.0";

  it("a range that leaves out part of the stated one is a problem, naming both", () => {
    expect(enginesProblem(">= 22.x", range)).toBe(
      `engines.node ">= 22.x" does not include ${range}`,
    );
    expect(enginesProblem(">= 22.x", ">=20.19")).toMatch(/does not include >=20.19/);
    expect(enginesProblem("^20.19.0 || >=22.12.0", ">=20.19")).toMatch(/does not include/);
    expect(enginesProblem("not a range", range)).toMatch(/is not a semver range/);
  });

  it("ranges that include it, and no engines at all, pass", () => {
    for (const ok of [">=18.x", "^20.19.0 || >=22.12.0", "^20.0.0 || ^22.0.0 || >=24.0.0"]) {
      expect(enginesProblem(ok, range)).toBeUndefined();
    }
    expect(enginesProblem(undefined, range)).toBeUndefined();
  });

  it("finds an offender nested in node_modules, with where it is", () => {
    const modules = join(scratch, "app/node_modules");
    write(join(modules, "@nats-io/nats-core/package.json"), {
      name: "@nats-io/nats-core",
      version: "3.4.0",
      engines: { node: ">= 18.0.0" },
    });
    write(join(modules, "@nats-io/nats-core/node_modules/@nats-io/nuid/package.json"), {
      name: "@nats-io/nuid",
      version: "3.0.0",
      engines: { node: ">= 22.x" },
    });
    expect(installedOffenders(modules, range)).toEqual([
      `@nats-io/nuid@3.0.0 (@nats-io/nats-core/node_modules/@nats-io/nuid): engines.node ">= 22.x" does not include ${range}`,
    ]);
  });

  it("this repository: the root states a range and pnpm-lock.yaml has no offender", () => {
    const stated = statedRange(root);
    expect(stated).toBe(range);
    expect(lockfileOffenders(root, stated)).toEqual([]);
  });
});

describe("source maps", () => {
  const pkg = join(scratch, "pkg");
  const map = (sources: string[], sourcesContent?: string[]) => ({
    version: 3,
    file: "a.js",
    sources,
    sourcesContent,
    mappings: "",
  });

  it("a map naming a source the package does not ship is a problem", () => {
    write(join(pkg, "dist/a.js"), "export {};\n//# sourceMappingURL=a.js.map\n");
    write(join(pkg, "dist/a.js.map"), map(["../src/a.ts"]));
    write(join(pkg, "dist/b.d.ts"), "export {};\n//# sourceMappingURL=b.d.ts.map\n");
    expect(sourceMapProblems(pkg)).toEqual([
      "dist/a.js.map points at ../src/a.ts, which is not in the package",
      "dist/b.d.ts names b.d.ts.map, which is not in the package",
    ]);
  });

  it("shipped sources and inlined sources pass", () => {
    write(join(pkg, "src/a.ts"), "export {};\n");
    write(join(pkg, "dist/b.d.ts.map"), map(["../src/b.ts"], ["export {};\n"]));
    expect(sourceMapProblems(pkg)).toEqual([]);
  });
});
