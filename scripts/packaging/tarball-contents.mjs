// What one packed package must and must not contain (scripts/check-packages.mjs, step 2).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { sourceMapProblems } from "./source-maps.mjs";

const SOURCE_CONDITION = "@falco-sdk/source";

/**
 * The only @falco-sdk packages each package may depend on: core -> proto (the generated types and
 * the one wire <-> Alert conversion) -> client; core -> {client, http, prometheus, nats, noise} ->
 * relay -> cli; grpc-server (on core alone) under testing and relay; store (on core alone) under
 * relay and cli; testing only an optional peer of cli.
 */
export const LAYERS = {
  "@falco-sdk/core": [],
  "@falco-sdk/proto": ["@falco-sdk/core"],
  "@falco-sdk/client": ["@falco-sdk/core", "@falco-sdk/proto"],
  "@falco-sdk/http": ["@falco-sdk/core"],
  "@falco-sdk/grpc-server": ["@falco-sdk/core"],
  "@falco-sdk/testing": ["@falco-sdk/core", "@falco-sdk/grpc-server", "@falco-sdk/proto"],
  "@falco-sdk/prometheus": ["@falco-sdk/core"],
  "@falco-sdk/nats": ["@falco-sdk/core"],
  "@falco-sdk/noise": ["@falco-sdk/core"],
  "@falco-sdk/store": ["@falco-sdk/core"],
  "@falco-sdk/api-client": ["@falco-sdk/core"],
  // The HTTP alert API serves a store (its client, @falco-sdk/api-client, must not need one).
  "@falco-sdk/api": ["@falco-sdk/core", "@falco-sdk/store"],
  "@falco-sdk/ui": ["@falco-sdk/api", "@falco-sdk/core", "@falco-sdk/noise", "@falco-sdk/store"],
  "@falco-sdk/relay": [
    "@falco-sdk/client",
    "@falco-sdk/core",
    "@falco-sdk/grpc-server",
    "@falco-sdk/http",
    "@falco-sdk/proto",
    "@falco-sdk/store",
  ],
  "@falco-sdk/cli": [
    "@falco-sdk/api",
    "@falco-sdk/api-client",
    "@falco-sdk/client",
    "@falco-sdk/core",
    "@falco-sdk/http",
    "@falco-sdk/prometheus",
    "@falco-sdk/nats",
    "@falco-sdk/noise",
    "@falco-sdk/relay",
    "@falco-sdk/store",
    "@falco-sdk/ui",
  ],
};

/** Optional peer dependencies a package may have (installed by the user, loaded lazily). */
export const OPTIONAL_PEERS = {
  "@falco-sdk/cli": ["@falco-sdk/testing"],
  // the forwarder's disk spool (createNatsForwarder({ spool })): subscribers need no SQLite
  "@falco-sdk/nats": ["@falco-sdk/store"],
};

const tar = (...args) => execFileSync("tar", args, { encoding: "utf8", maxBuffer: 64 << 20 });

/**
 * Checks the tarball at `path`, extracted under `scratch`, against the root's `license` text
 * and stated Node `range`. Returns its packed package.json, its problems and a summary line.
 */
export function checkTarball(path, { scratch, license, range }) {
  const paths = new Set(
    tar("-tzf", path)
      .split("\n")
      .filter(Boolean)
      .map((p) => p.replace(/^package\//, "./")),
  );
  const manifest = JSON.parse(tar("-xzOf", path, "package/package.json"));
  const problems = [];
  const text = JSON.stringify(manifest);
  if (text.includes(SOURCE_CONDITION)) problems.push("has the source condition");
  if (text.includes("workspace:")) problems.push("has a workspace: range");
  const targets = [];
  const collect = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(manifest.exports);
  collect(manifest.bin);
  for (const target of targets) if (!paths.has(target)) problems.push(`${target} is not in it`);
  for (const p of paths) {
    if (/\.(spec|test)\.[cm]?[jt]s$|(^|\/)(test|spec-[^/]*)(\/|\.)|spec-helpers/.test(p)) {
      problems.push(`ships test code ${p}`);
    }
  }

  const dir = join(scratch, manifest.name.replace("/", "+"));
  mkdirSync(dir, { recursive: true });
  tar("-xzf", path, "-C", dir, "--strip-components=1");
  if (!existsSync(join(dir, "LICENSE"))) problems.push("has no LICENSE");
  else if (readFileSync(join(dir, "LICENSE"), "utf8") !== license) {
    problems.push("has a LICENSE that is not the root's");
  }
  const changelog = existsSync(join(dir, "CHANGELOG.md"))
    ? readFileSync(join(dir, "CHANGELOG.md"), "utf8")
    : undefined;
  if (changelog === undefined) problems.push("has no CHANGELOG.md");
  else if (!changelog.includes(`\n## ${manifest.version}\n`)) {
    problems.push(`has a CHANGELOG.md without a "## ${manifest.version}" section`);
  }
  problems.push(...sourceMapProblems(dir));
  if (manifest.engines?.node !== range) {
    problems.push(
      `engines.node is ${JSON.stringify(manifest.engines?.node)}, not the root's ${range}`,
    );
  }

  const deps = Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith("@falco-sdk/"));
  const allowed = LAYERS[manifest.name];
  if (!allowed) problems.push("is not in LAYERS (scripts/packaging/tarball-contents.mjs)");
  else for (const dep of deps) if (!allowed.includes(dep)) problems.push(`depends on ${dep}`);
  const peers = Object.keys(manifest.peerDependencies ?? {}).filter((d) =>
    d.startsWith("@falco-sdk/"),
  );
  const optionalPeers = OPTIONAL_PEERS[manifest.name] ?? [];
  for (const peer of peers) {
    if (!optionalPeers.includes(peer)) problems.push(`has the peer dependency ${peer}`);
    else if (manifest.peerDependenciesMeta?.[peer]?.optional !== true)
      problems.push(`has the peer dependency ${peer} without peerDependenciesMeta optional`);
  }
  if (manifest.name === "@falco-sdk/core") {
    // The bottom layer: no gRPC, no HTTP server, no test code, nothing Node-only.
    const code = tar("-xzOf", path, "--wildcards", "package/dist/*.js");
    const imports = [...code.matchAll(/(?:from|import)\s*\(?"([^"]+)"/g)].map((m) => m[1]);
    const outside = imports.filter((i) => !i.startsWith("./") && i !== "lossless-json");
    if (outside.length) problems.push(`imports ${[...new Set(outside)].join(", ")}`);
  }
  const summary =
    `${manifest.name}: ${paths.size} files, exports and bin present, LICENSE, CHANGELOG.md ` +
    `${manifest.version}, maps resolve, @falco-sdk deps [${deps.join(", ")}]`;
  return { manifest, problems, summary };
}
