// The Node.js range the root package.json states (`engines.node`) must be true of every
// dependency: each one's own `engines.node` must include all of it (semver.subset), or some
// Node the README promises would get EBADENGINE at install or a package that does not run.
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import semver from "semver";
import { parse } from "yaml";

/** The root's stated range, e.g. `^20.19.0 || ^22.12.0 || >=24`. */
export function statedRange(root) {
  const range = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).engines?.node;
  if (!range || !semver.validRange(range)) {
    throw new Error(`the root package.json has no valid engines.node (${range})`);
  }
  return range;
}

/**
 * Why `engines` (a package.json's engines.node, maybe undefined) does not include `range`, or
 * undefined when it does. No engines.node says nothing against any Node: accepted.
 */
export function enginesProblem(engines, range) {
  if (engines === undefined) return undefined;
  const theirs = semver.validRange(engines);
  if (!theirs) return `engines.node ${JSON.stringify(engines)} is not a semver range`;
  if (semver.subset(range, theirs)) return undefined;
  return `engines.node ${JSON.stringify(engines)} does not include ${range}`;
}

/** Every package.json under `nodeModules`, nested node_modules included: `{ where, manifest }`. */
export function installedPackages(nodeModules) {
  const found = [];
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(".")) continue;
      const path = join(dir, entry);
      if (entry.startsWith("@")) {
        visit(path);
        continue;
      }
      if (lstatSync(path).isSymbolicLink()) continue;
      const file = join(path, "package.json");
      if (existsSync(file)) {
        found.push({ where: path, manifest: JSON.parse(readFileSync(file, "utf8")) });
      }
      visit(join(path, "node_modules"));
    }
  };
  visit(nodeModules);
  return found;
}

/**
 * The offenders among the packages installed under `nodeModules` (an npm install of the
 * tarballs: what a user gets), each as `name@version (path): why`.
 */
export function installedOffenders(nodeModules, range) {
  return installedPackages(nodeModules).flatMap(({ where, manifest }) => {
    const why = enginesProblem(manifest.engines?.node, range);
    return why
      ? [`${manifest.name}@${manifest.version} (${relative(nodeModules, where)}): ${why}`]
      : [];
  });
}

/**
 * The offenders among every package pnpm-lock.yaml resolves (the workspace's dependencies and
 * dev dependencies on every platform: what `npm test` installs), each as `name@version: why`.
 */
export function lockfileOffenders(root, range) {
  const lock = parse(readFileSync(join(root, "pnpm-lock.yaml"), "utf8"));
  return Object.entries(lock.packages ?? {}).flatMap(([key, entry]) => {
    const why = enginesProblem(entry?.engines?.node, range);
    return why ? [`${key}: ${why} (pnpm why ${key.replace(/(.)@.*$/, "$1")})`] : [];
  });
}
