// Source maps and declaration maps of a packed package must point at files the tarball ships:
// a debugger then shows the TypeScript a stack frame came from, and an editor's "go to
// definition" opens the function's source instead of its .d.ts. The packages ship `src/`
// (without its specs) for that; inlineSources could carry the sources of .js.map files, but a
// .d.ts.map can only name a file.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

/**
 * What is wrong with the maps of the package extracted at `dir`: a `sourceMappingURL` naming a
 * missing map, or a map's `sources` entry that is not in the package. Empty when all resolve.
 */
export function sourceMapProblems(dir) {
  const problems = [];
  const shown = (path) => relative(dir, path);
  for (const file of filesUnder(dir)) {
    if (/\.[cm]?js$|\.d\.[cm]?ts$/.test(file)) {
      const url = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, "utf8"))?.[1];
      if (url && !url.startsWith("data:") && !existsSync(resolve(dirname(file), url))) {
        problems.push(`${shown(file)} names ${url}, which is not in the package`);
      }
    }
    if (!file.endsWith(".map")) continue;
    const map = JSON.parse(readFileSync(file, "utf8"));
    const base = resolve(dirname(file), map.sourceRoot ?? "");
    (map.sources ?? []).forEach((source, i) => {
      if (map.sourcesContent?.[i] != null) return; // inlined: needs no file
      const target = resolve(base, source);
      if (!target.startsWith(`${dir}/`) || !existsSync(target)) {
        problems.push(`${shown(file)} points at ${source}, which is not in the package`);
      }
    });
  }
  return problems;
}
