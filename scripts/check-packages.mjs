#!/usr/bin/env node
// Packaging check: the packages as users get them, before they are ever published.
//  1. The root README's "`falco-alerts` from a clone" commands, as written: `npm run pack`
//     (install, build, `pnpm pack` every publishable package into dist-packages/: workspace
//     ranges become versions, publishConfig.exports replaces the workspace-only source
//     condition), `npm install -g ./dist-packages/*.tgz` into a scratch prefix, then the
//     installed `falco-alerts --help` and `--version`.
//  2. Each tarball: no source condition, every `exports` target and `bin` inside it, no test
//     files or test helpers; LICENSE (the root's) and a CHANGELOG.md with its version; every
//     source map and declaration map points at a file it ships; engines.node is the root's;
//     the @falco-sdk dependencies follow the layers (LAYERS, scripts/packaging/tarball-contents.mjs).
//  3. A scratch project installs every tarball with plain npm; each entry point loads with
//     import and with require(); a consumer file type-checks against the shipped .d.ts; the
//     installed `falco-alerts --version` prints the package version.
//  4. Engines: every package installed there, and every package pnpm-lock.yaml resolves (what
//     `npm test` installs), has an engines.node that includes the root's stated range.
//  5. A second scratch project installs @falco-sdk/http alone, with the line of its README:
//     `npm ls --all` shows no @connectrpc package (a Falco 0.44+ user installs no gRPC stack).
// Runs in a fresh clone too (the set-up installs). Needs the npm registry for third-party
// dependencies.
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
import { readmeInstallLines } from "./packaging/readme-install.mjs";
import { runSetup } from "./packaging/readme-setup.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
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

const work = mkdtempSync(join(tmpdir(), "falco-sdk-packages-"));
const license = readFileSync(join(root, "LICENSE"), "utf8");

try {
  console.log("== LICENSE of the Python, Rust and Go packages (shipped from their own folders)");
  for (const dir of ["packages/python", "packages/rust", "packages/go/falco"]) {
    const copy = join(root, dir, "LICENSE");
    if (!existsSync(copy) || readFileSync(copy, "utf8") !== license) {
      fail(`${dir}/LICENSE must be a copy of the root's LICENSE`);
    } else ok(`${dir}/LICENSE`);
  }

  console.log("== README.md set-up: falco-alerts from a clone, with npm only");
  const cliVersion = JSON.parse(
    readFileSync(join(root, "packages/cli/package.json"), "utf8"),
  ).version;
  const setupProblems = runSetup(root, join(work, "npm-global"), cliVersion);
  for (const problem of setupProblems) fail(`README set-up: ${problem}`);
  if (!setupProblems.length) ok(`falco-alerts ${cliVersion} on PATH, --help works`);
  const tarballs = join(root, "dist-packages");
  const files = readdirSync(tarballs).filter((f) => f.endsWith(".tgz"));
  if (!files.length) throw new Error(`no tarballs in ${tarballs}: npm run pack failed`);
  // After the set-up, which installed the root's dev dependencies these need (semver, yaml):
  // a fresh clone can run this check first.
  const { installedOffenders, lockfileOffenders, statedRange } = await import(
    "./packaging/engines.mjs"
  );
  const { checkTarball } = await import("./packaging/tarball-contents.mjs");
  const range = statedRange(root);

  console.log("== tarball contents");
  const shipped = new Map(); // name -> packed package.json
  for (const file of files) {
    const checked = checkTarball(join(tarballs, file), {
      scratch: join(work, "contents"),
      license,
      range,
    });
    shipped.set(checked.manifest.name, checked.manifest);
    if (checked.problems.length) fail(`${checked.manifest.name}: ${checked.problems.join("; ")}`);
    else ok(checked.summary);
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
      const specifier = subpath === "." ? name : `${name}/${subpath.slice(2)}`;
      if (/\.(json|ya?ml)$/.test(subpath)) {
        // A data file (package.json, an OpenAPI document): it resolves to a shipped file.
        const code = `require("node:fs").accessSync(require.resolve(${JSON.stringify(specifier)}))`;
        try {
          run(process.execPath, ["-e", code], { cwd: app });
          ok(`resolve ${specifier}: a shipped file`);
        } catch (error) {
          fail(
            `resolve ${specifier}: ${
              String(error.stderr || error.message)
                .trim()
                .split("\n")[0]
            }`,
          );
        }
        continue;
      }
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

  console.log("== engines: every dependency includes the root's Node range");
  console.log(`       ${range} (package.json engines.node)`);
  const installed = installedOffenders(join(app, "node_modules"), range);
  for (const offender of installed) fail(`installed from the tarballs: ${offender}`);
  if (!installed.length) ok("every package installed from the tarballs");
  const locked = lockfileOffenders(root, range);
  for (const offender of locked) fail(`in pnpm-lock.yaml: ${offender}`);
  if (!locked.length) ok("every package of pnpm-lock.yaml (dependencies and dev dependencies)");

  console.log("== @falco-sdk/http alone, with its README's line, installs no gRPC stack");
  const httpApp = join(work, "http-app");
  mkdirSync(httpApp);
  run("npm", ["init", "-y"], { cwd: httpApp });
  const httpReadme = readFileSync(join(root, "packages/http/README.md"), "utf8");
  const httpLine = readmeInstallLines(httpReadme)[0];
  if (!httpLine) throw new Error("packages/http/README.md has no npm install line for tarballs");
  const command = httpLine.command.replace(/\S*dist-packages\//, `${tarballs}/`);
  run("bash", ["-c", `${command} --no-audit --no-fund --loglevel=error`], { cwd: httpApp });
  ok(httpLine.command);
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
