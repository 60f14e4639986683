#!/usr/bin/env node
// Packaging check: the packages as users get them from the registry, before they are published.
//  1. `pnpm pack` every publishable package (packages/*, not private): workspace ranges become
//     versions and publishConfig.exports replaces the workspace-only source condition.
//  2. Each tarball: no source condition, every `exports` target and `bin` inside it, no test
//     files or test helpers; the @falco-sdk dependencies follow the layers (LAYERS below).
//  3. A scratch project installs every tarball with plain npm; each entry point loads with
//     import and with require(); a consumer file type-checks against the shipped .d.ts; the
//     installed `falco-alerts --version` prints the package version.
//  4. A second scratch project installs @falco-sdk/http alone: `npm ls --all` shows no
//     @connectrpc package (a Falco 0.44+ user installs no gRPC stack).
// Needs the packages built (pnpm build) and the npm registry for third-party dependencies.
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_CONDITION = "@falco-sdk/source";

/** The only @falco-sdk packages each package may depend on: proto -> client, core -> {client, http, prometheus, nats} -> relay -> cli; grpc-server under testing and relay. */
const LAYERS = {
  "@falco-sdk/core": [],
  "@falco-sdk/proto": [],
  "@falco-sdk/client": ["@falco-sdk/core", "@falco-sdk/proto"],
  "@falco-sdk/http": ["@falco-sdk/core"],
  "@falco-sdk/grpc-server": ["@falco-sdk/core", "@falco-sdk/proto"],
  "@falco-sdk/testing": ["@falco-sdk/core", "@falco-sdk/grpc-server", "@falco-sdk/proto"],
  "@falco-sdk/prometheus": ["@falco-sdk/core"],
  "@falco-sdk/nats": ["@falco-sdk/core"],
  "@falco-sdk/relay": [
    "@falco-sdk/client",
    "@falco-sdk/core",
    "@falco-sdk/grpc-server",
    "@falco-sdk/http",
    "@falco-sdk/proto",
  ],
  "@falco-sdk/cli": [
    "@falco-sdk/client",
    "@falco-sdk/core",
    "@falco-sdk/http",
    "@falco-sdk/prometheus",
    "@falco-sdk/nats",
    "@falco-sdk/relay",
    "@falco-sdk/testing",
  ],
};

const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(`  FAIL ${message}`);
};
const ok = (message) => console.log(`  ok   ${message}`);

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    ...options,
  });
}

const pnpm = join(root, "scripts/bin/pnpm");
const work = mkdtempSync(join(tmpdir(), "falco-sdk-packages-"));
const tarballs = join(work, "tarballs");
mkdirSync(tarballs);

try {
  console.log("== pack");
  const packages = readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => !manifest.private);
  for (const { dir, manifest } of packages) {
    if (!existsSync(join(dir, "dist")))
      throw new Error(`${manifest.name} is not built: run pnpm build`);
    run(pnpm, ["pack", "--pack-destination", tarballs], { cwd: dir });
    ok(`${manifest.name}@${manifest.version}`);
  }
  const files = readdirSync(tarballs).filter((f) => f.endsWith(".tgz"));

  console.log("== tarball contents");
  const shipped = new Map(); // name -> packed package.json
  for (const file of files) {
    const listing = run("tar", ["-tzf", join(tarballs, file)])
      .split("\n")
      .filter(Boolean);
    const paths = new Set(listing.map((p) => p.replace(/^package\//, "./")));
    const manifest = JSON.parse(
      run("tar", ["-xzOf", join(tarballs, file), "package/package.json"]),
    );
    shipped.set(manifest.name, manifest);
    const problems = [];
    if (JSON.stringify(manifest).includes(SOURCE_CONDITION))
      problems.push("has the source condition");
    if (JSON.stringify(manifest).includes("workspace:")) problems.push("has a workspace: range");
    const targets = [];
    const collect = (value) => {
      if (typeof value === "string") targets.push(value);
      else if (value && typeof value === "object") Object.values(value).forEach(collect);
    };
    collect(manifest.exports);
    collect(manifest.bin);
    for (const target of targets) if (!paths.has(target)) problems.push(`${target} is not in it`);
    for (const path of paths) {
      if (/\.(spec|test)\.[cm]?[jt]s$|(^|\/)(test|spec-[^/]*)(\/|\.)|spec-helpers/.test(path)) {
        problems.push(`ships test code ${path}`);
      }
    }
    const deps = Object.keys(manifest.dependencies ?? {}).filter((d) =>
      d.startsWith("@falco-sdk/"),
    );
    const allowed = LAYERS[manifest.name];
    if (!allowed) problems.push("is not in LAYERS (scripts/check-packages.mjs)");
    else {
      for (const dep of deps) if (!allowed.includes(dep)) problems.push(`depends on ${dep}`);
    }
    if (manifest.name === "@falco-sdk/core") {
      // The bottom layer: no gRPC, no HTTP server, no test code, nothing Node-only.
      const code = run("tar", ["-xzOf", join(tarballs, file), "--wildcards", "package/dist/*.js"]);
      const imports = [...code.matchAll(/(?:from|import)\s*\(?"([^"]+)"/g)].map((m) => m[1]);
      const outside = imports.filter((i) => !i.startsWith("./") && i !== "lossless-json");
      if (outside.length) problems.push(`imports ${[...new Set(outside)].join(", ")}`);
    }
    if (problems.length) fail(`${manifest.name}: ${problems.join("; ")}`);
    else
      ok(
        `${manifest.name}: ${paths.size} files, exports and bin present, @falco-sdk deps [${deps.join(", ")}]`,
      );
  }

  console.log("== install every tarball with npm");
  const app = join(work, "app");
  mkdirSync(app);
  run("npm", ["init", "-y"], { cwd: app });
  run("npm", ["pkg", "set", "type=module"], { cwd: app });
  const typesNode = JSON.parse(
    readFileSync(join(root, "node_modules/@types/node/package.json"), "utf8"),
  );
  const npmInstall = ["install", "--no-audit", "--no-fund", "--loglevel=error"];
  run(
    "npm",
    [...npmInstall, ...files.map((f) => join(tarballs, f)), `@types/node@${typesNode.version}`],
    {
      cwd: app,
    },
  );
  ok(`installed ${files.length} tarballs`);

  console.log("== import and require() every entry point");
  for (const [name, manifest] of shipped) {
    for (const subpath of Object.keys(manifest.exports ?? {})) {
      if (subpath.endsWith(".json")) continue;
      const specifier = subpath === "." ? name : `${name}/${subpath.slice(2)}`;
      for (const how of ["import", "require"]) {
        const code =
          how === "import"
            ? `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`
            : `const m = require(${JSON.stringify(specifier)}); console.log(Object.keys(m).length);`;
        const args = how === "import" ? ["--input-type=module", "-e", code] : ["-e", code];
        try {
          const count = Number(
            run(process.execPath, ["--disable-warning=ExperimentalWarning", ...args], {
              cwd: app,
            }).trim(),
          );
          if (count > 0) ok(`${how} ${specifier}: ${count} exports`);
          else fail(`${how} ${specifier}: no exports`);
        } catch (error) {
          fail(
            `${how} ${specifier}: ${
              String(error.stderr || error.message)
                .trim()
                .split("\n")[0]
            }`,
          );
        }
      }
    }
  }

  console.log("== type-check a consumer against the shipped .d.ts");
  cpSync(join(root, "scripts/packaging/consumer.ts"), join(app, "consumer.ts"));
  const tsc = join(root, "node_modules/typescript/bin/tsc");
  const tscArgs = [
    "--noEmit",
    "--strict",
    "--module",
    "nodenext",
    "--moduleResolution",
    "nodenext",
    "--target",
    "es2022",
    "--types",
    "node",
    "--skipLibCheck",
    "false",
    "consumer.ts",
  ];
  try {
    run(process.execPath, [tsc, ...tscArgs], { cwd: app });
    ok("consumer.ts type-checks (skipLibCheck off: every shipped .d.ts is checked too)");
  } catch (error) {
    fail(`consumer.ts does not type-check:\n${error.stdout}${error.stderr}`);
  }

  console.log("== installed falco-alerts bin");
  try {
    const version = run(join(app, "node_modules/.bin/falco-alerts"), ["--version"], {
      cwd: app,
    }).trim();
    const expected = shipped.get("@falco-sdk/cli").version;
    if (version === expected) ok(`falco-alerts --version: ${version}`);
    else fail(`falco-alerts --version printed ${JSON.stringify(version)}, expected ${expected}`);
  } catch (error) {
    fail(`falco-alerts --version failed: ${error.stderr || error.message}`);
  }

  console.log("== @falco-sdk/http alone installs no gRPC stack");
  const httpApp = join(work, "http-app");
  mkdirSync(httpApp);
  run("npm", ["init", "-y"], { cwd: httpApp });
  const pick = (name) =>
    files.find((f) => f.startsWith(`${name.replace("@", "").replace("/", "-")}-`));
  run(
    "npm",
    [
      ...npmInstall,
      join(tarballs, pick("@falco-sdk/core")),
      join(tarballs, pick("@falco-sdk/http")),
    ],
    {
      cwd: httpApp,
    },
  );
  const tree = run("npm", ["ls", "--all"], { cwd: httpApp });
  console.log(tree.trimEnd().replace(/^/gm, "       "));
  const grpc = tree
    .split("\n")
    .filter((line) => /@connectrpc|@grpc|@falco-sdk\/(client|proto)/.test(line));
  if (grpc.length) fail(`@falco-sdk/http pulls in: ${grpc.join(", ")}`);
  else ok("npm ls --all: no @connectrpc, @grpc, @falco-sdk/client or @falco-sdk/proto");
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\npackaging check: ${failures.length} failure(s)`);
  process.exit(1);
}
console.log("\npackaging check: ok");
