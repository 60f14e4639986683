// The packages' README lines that install them from a clone's tarballs (`npm run pack` writes
// them to dist-packages/): `npm install PATH/dist-packages/falco-sdk-{core,proto,client}-*.tgz`.
// npm looks a tarball's @falco-sdk dependencies up in the registry, where they are not, unless
// the same command installs them from tarballs too: each line must name all of them.

const LINE =
  /npm install (--save-dev )?(\S*)dist-packages\/falco-sdk-(?:\{([a-z,-]+)\}|([a-z-]+))-\*\.tgz/g;

/**
 * The install lines of a README: `{ command, dev, packages }`, `packages` as full names
 * (`@falco-sdk/core`), in the order written.
 */
export function readmeInstallLines(readme) {
  return [...readme.matchAll(LINE)].map((m) => ({
    command: m[0],
    dev: Boolean(m[1]),
    packages: (m[3] ?? m[4] ?? "").split(",").map((short) => `@falco-sdk/${short}`),
  }));
}

/**
 * `name` and every @falco-sdk package it depends on, directly or not (runtime dependencies
 * only), given each package's package.json by name.
 */
export function falcoDependencyClosure(name, manifests) {
  const seen = new Set();
  const visit = (n) => {
    if (seen.has(n)) return;
    seen.add(n);
    const deps = Object.keys(manifests.get(n)?.dependencies ?? {});
    for (const dep of deps) if (dep.startsWith("@falco-sdk/")) visit(dep);
  };
  visit(name);
  return seen;
}
