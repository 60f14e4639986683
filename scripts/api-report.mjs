// The public API of every npm package, as API Extractor sees its built .d.ts files: one report
// per package, packages/<name>/etc/<name>.api.md, with a section for each entry point of its
// package.json `exports` (the main one and every subpath), so a change of the public surface is
// a visible diff in review.
//   node scripts/api-report.mjs --check    (pnpm api:check, CI after the build): fails when a
//                                          report differs from the built packages
//   node scripts/api-report.mjs --update   (pnpm api:update): rewrites the reports
// Needs `pnpm build` first (it reads dist/). Packages without a package.json (Python, Go, Rust)
// have no npm API.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const mode = process.argv[2];
if (mode !== "--check" && mode !== "--update") {
  console.error("usage: node scripts/api-report.mjs --check | --update");
  process.exit(2);
}

/** The compiler options the packages are built with, without the source condition (dist is read). */
const compilerOptions = {
  target: "ES2022",
  lib: ["ES2022"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  types: ["node"],
  strict: true,
  skipLibCheck: true,
};

/** Every @falco-sdk npm package: its folder and package.json. */
function npmPackages() {
  const dir = join(root, "packages");
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((folder) => existsSync(join(folder, "package.json")))
    .map((folder) => ({
      folder,
      manifest: JSON.parse(readFileSync(join(folder, "package.json"), "utf8")),
    }))
    .filter(({ manifest }) => manifest.private !== true);
}

/** The first `types` target among an export's conditions (nested ones too). */
function typesOf(target) {
  if (target === null || typeof target !== "object") return undefined;
  if (typeof target.types === "string") return target.types;
  for (const value of Object.values(target)) {
    const found = typesOf(value);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The code entry points of `exports` (`[".", "./outputs", ...]`) with their .d.ts, and the
 * plain files it exports (a string target, e.g. a JSON dashboard), listed in the report.
 */
function entryPoints(manifest) {
  const code = [];
  const files = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === "./package.json") continue;
    if (typeof target === "string") {
      files.push(subpath);
      continue;
    }
    const types = typesOf(target);
    if (types === undefined) {
      throw new Error(`${manifest.name}: exports["${subpath}"] has no "types" condition`);
    }
    code.push({ subpath, types });
  }
  return { code, files };
}

/** API Extractor's report of one entry point: the text between its ```ts fences. */
function entryReport(folder, manifest, types, scratch) {
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: folder,
      mainEntryPointFilePath: join(folder, types),
      compiler: { overrideTsconfig: { compilerOptions, files: [join(folder, types)] } },
      apiReport: {
        enabled: true,
        reportFileName: "entry",
        reportFolder: scratch,
        reportTempFolder: scratch,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: "lf",
      messages: {
        compilerMessageReporting: { default: { logLevel: "error" } },
        extractorMessageReporting: {
          // No release tags (@public, @beta) in this project: every export is public; TSDoc
          // links to other packages are text. What matters for review goes into the report:
          default: { logLevel: "none" },
          // In the report, for review: a type a signature uses that the entry point does not export.
          "ae-forgotten-export": { logLevel: "none", addToApiReportFile: true },
          // An export without TSDoc, in the report too.
          "ae-undocumented": { logLevel: "none", addToApiReportFile: true },
        },
        // TSDoc syntax (this project writes `@default` free text, `{@link}` to other packages).
        tsdocMessageReporting: { default: { logLevel: "none" } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(folder, "package.json"),
  });
  const problems = [];
  const result = Extractor.invoke(config, {
    localBuild: true,
    messageCallback: (message) => {
      if (message.logLevel === "error") problems.push(message.formatMessageWithLocation(folder));
      message.handled = true;
    },
  });
  if (!result.succeeded || problems.length) {
    throw new Error(
      `API Extractor failed on ${manifest.name} (${types}); run \`pnpm build\` first:\n  ${problems.join("\n  ")}`,
    );
  }
  const text = readFileSync(join(scratch, "entry.api.md"), "utf8");
  const body = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (body === undefined) throw new Error(`no API in the report of ${manifest.name} (${types})`);
  return body.trimEnd();
}

/** The whole report of one package, every entry point. */
function packageReport({ folder, manifest }) {
  const scratch = mkdtempSync(join(tmpdir(), "api-report-"));
  try {
    const { code, files } = entryPoints(manifest);
    const sections = code.map(({ subpath, types }) => {
      if (!existsSync(join(folder, types))) {
        throw new Error(`${manifest.name}: ${types} is missing: run \`pnpm build\` first`);
      }
      const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const body = entryReport(folder, manifest, types, scratch);
      return `## \`${specifier}\`\n\n\`\`\`ts\n${body}\n\`\`\`\n`;
    });
    return (
      `# API report of ${manifest.name}\n\n` +
      "> Generated by API Extractor from the built .d.ts files: do not edit. `pnpm api:update`\n" +
      "> writes it, `pnpm api:check` (CI) fails when it differs (scripts/api-report.mjs).\n\n" +
      sections.join("\n") +
      (files.length ? `\n## Files\n\n${files.map((f) => `- \`${f}\`\n`).join("")}` : "")
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const unscoped = (name) => name.replace(/^@[^/]+\//, "");
let drift = 0;
for (const pkg of npmPackages()) {
  const file = join(pkg.folder, "etc", `${unscoped(pkg.manifest.name)}.api.md`);
  const report = packageReport(pkg);
  const committed = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  const where = relative(root, file);
  if (committed === report) {
    console.log(`  ok ${where}`);
    continue;
  }
  if (mode === "--update") {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, report);
    console.log(`  updated ${where}`);
    continue;
  }
  drift++;
  console.error(`  DIFFERS ${where}${committed === undefined ? " (missing)" : ""}`);
  if (committed !== undefined) {
    const scratch = mkdtempSync(join(tmpdir(), "api-report-diff-"));
    try {
      writeFileSync(join(scratch, "built.api.md"), report);
      execFileSync(
        "diff",
        [
          "-u",
          "--label",
          `${where} (committed)`,
          "--label",
          `${where} (built)`,
          file,
          join(scratch, "built.api.md"),
        ],
        {
          stdio: ["ignore", "inherit", "inherit"],
        },
      );
    } catch {
      // diff exits 1 on a difference: printed above
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}
if (drift) {
  console.error(
    `\nThe public API of ${drift} package(s) differs from its committed report (diff above). ` +
      "If the change is intended, run `pnpm api:update` and commit the etc/*.api.md files.",
  );
  process.exit(1);
}
