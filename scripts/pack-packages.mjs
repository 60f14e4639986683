#!/usr/bin/env node
// Every publishable package (packages/*, not private) as the tarball the registry would get:
// `pnpm pack` turns workspace ranges into versions and publishConfig.exports replaces the
// workspace-only source condition. Nothing is published to npm, so these tarballs are how a
// clone's packages reach another project or npm's global folder:
//   npm run pack                              (install, build, then this, into dist-packages/)
//   npm install -g ./dist-packages/*.tgz      (all at once: they depend on each other)
// Usage: node scripts/pack-packages.mjs [DIR]   (default dist-packages/ at the root; needs a build)
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The publishable packages: `{ dir, manifest }` of each packages/* whose package.json is not private. */
export function publishablePackages() {
  return readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => !manifest.private);
}

/**
 * Packs every publishable package into `dest` (created; its old tarballs removed first, so
 * `dest/*.tgz` is one version of each) and returns the tarballs' paths.
 */
export function packPackages(dest) {
  mkdirSync(dest, { recursive: true });
  for (const old of readdirSync(dest).filter((f) => f.endsWith(".tgz"))) rmSync(join(dest, old));
  const packages = publishablePackages();
  for (const { dir, manifest } of packages) {
    if (!existsSync(join(dir, "dist"))) {
      throw new Error(`${manifest.name} is not built: run npm run bootstrap (or pnpm build)`);
    }
  }
  execFileSync(
    "bash",
    [
      join(root, "scripts/bin/pnpm"),
      "-r",
      "--filter",
      "./packages/**",
      "pack",
      "--pack-destination",
      dest,
    ],
    { cwd: root, stdio: ["ignore", "ignore", "inherit"] },
  );
  const tarballs = readdirSync(dest)
    .filter((f) => f.endsWith(".tgz"))
    .map((f) => join(dest, f));
  if (tarballs.length !== packages.length) {
    throw new Error(
      `packed ${tarballs.length} tarballs for ${packages.length} packages in ${dest}`,
    );
  }
  return tarballs;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dest = resolve(process.argv[2] ?? join(root, "dist-packages"));
  const tarballs = packPackages(dest);
  const shown = relative(process.cwd(), dest) || ".";
  console.log(
    `${tarballs.length} tarballs in ${shown}/:\n${tarballs.map((t) => `  ${relative(dest, t)}`).join("\n")}\n` +
      `falco-alerts on PATH: npm install -g ./${shown}/*.tgz (all of them: they depend on each other)`,
  );
}
