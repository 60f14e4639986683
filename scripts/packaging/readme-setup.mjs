// The root README's "`falco-alerts` from a clone" commands, run as written (npm only) with npm's
// global folder moved to a scratch prefix: after them `falco-alerts` must be on PATH and work.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";

export const SETUP_HEADING = "## `falco-alerts` from a clone";

/** The commands of the first ```sh block under SETUP_HEADING, without comments. */
export function setupCommands(readme) {
  const start = readme.indexOf(`\n${SETUP_HEADING}\n`);
  if (start < 0) throw new Error(`README.md has no section ${JSON.stringify(SETUP_HEADING)}`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start))?.[1] ?? "";
  const commands = block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line && !line.startsWith("#"));
  if (!commands.length) throw new Error(`README.md's ${SETUP_HEADING} has no sh block`);
  return commands;
}

/**
 * Runs the set-up commands in `root` with `npm install -g` going to `prefix`, then checks the
 * installed `falco-alerts` (the one PATH finds, which must be under `prefix`): `--version`
 * prints `version`, `--help` names the commands. Returns the problems found (empty: it works).
 */
export function runSetup(root, prefix, version) {
  const env = {
    ...process.env,
    npm_config_prefix: prefix,
    PATH: `${join(prefix, "bin")}${delimiter}${process.env.PATH ?? ""}`,
  };
  const sh = (command) =>
    execFileSync("bash", ["-c", command], {
      cwd: root,
      env,
      encoding: "utf8",
      maxBuffer: 64 << 20,
      stdio: ["ignore", "pipe", "pipe"],
    });
  const problems = [];
  for (const command of setupCommands(readFileSync(join(root, "README.md"), "utf8"))) {
    try {
      const out = sh(command);
      console.log(`  ok   ${command}`);
      if (command === "falco-alerts --help" && !/Usage: falco-alerts/.test(out)) {
        problems.push(`${command} printed no usage:\n${out}`);
      }
    } catch (error) {
      const output = `${error.stdout ?? ""}${error.stderr ?? error.message}`.trim();
      problems.push(
        `${command} failed (${error.status}):\n${output.split("\n").slice(-15).join("\n")}`,
      );
      return problems;
    }
  }
  try {
    const where = sh("command -v falco-alerts").trim();
    if (!where.startsWith(`${prefix}/`))
      problems.push(`falco-alerts on PATH is ${where}, not under ${prefix}`);
    const printed = sh("falco-alerts --version").trim();
    if (printed !== version)
      problems.push(`falco-alerts --version printed ${printed}, expected ${version}`);
  } catch (error) {
    problems.push(`falco-alerts after the set-up: ${error.stderr || error.message}`);
  }
  return problems;
}
