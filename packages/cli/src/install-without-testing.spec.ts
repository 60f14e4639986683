// falco-alerts installed the way users install it (the packed tarballs, `npm install -g` into a
// scratch prefix), but without @falco-sdk/testing, its optional peer: every command but serve
// works, and serve says how to install it; running that line makes serve work.
// Packs with the project's own script (scripts/pack-packages.mjs: needs `pnpm build` first);
// npm fetches third-party dependencies from the registry (or its cache).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAlertGenerator } from "@falco-sdk/testing/fixtures";
import { createFalcoTestServer } from "@falco-sdk/testing/servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Result, startCommand, tempDir, useProcesses } from "../test/spec-process.js";
import { EXIT } from "./exit-codes.js";
import { TESTING_INSTALL_HINT } from "./testing-not-installed.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const INSTALL_MS = 600_000;

describe("falco-alerts installed without @falco-sdk/testing", () => {
  useProcesses();
  // Not tempDir(): that one is removed after each test, these live for the whole file.
  const scratch = mkdtempSync(join(tmpdir(), "falco-cli-install-"));
  const tarballs = join(scratch, "dist-packages");
  const prefix = join(scratch, "npm-global");
  // The install holds better-sqlite3 (forward's spool) and its build: many files to remove.
  afterAll(() => rmSync(scratch, { recursive: true, force: true }), 120_000);
  const env = () => ({ npm_config_prefix: prefix, PATH: `${prefix}/bin:${process.env.PATH}` });
  const npm = (args: string[]) =>
    execFileSync("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
      cwd: tarballs,
      env: { ...process.env, ...env() },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    });
  const falcoAlerts = (args: string[]): Promise<Result> =>
    startCommand(join(prefix, "bin", "falco-alerts"), args, env()).done;

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, "scripts/pack-packages.mjs"), tarballs], {
      cwd: root,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const all = readdirSync(tarballs).filter((f) => f.endsWith(".tgz"));
    const withoutTesting = all.filter((f) => !f.startsWith("falco-sdk-testing-"));
    expect(withoutTesting.length).toBe(all.length - 1);
    npm(["install", "-g", ...withoutTesting]);
  }, INSTALL_MS);

  it("has neither @falco-sdk/testing nor its PKI stack installed", () => {
    const found = execFileSync("find", [prefix, "-path", "*/node_modules/@falco-sdk/testing"], {
      encoding: "utf8",
    });
    expect(found).toBe("");
    const x509 = execFileSync("find", [prefix, "-path", "*/node_modules/@peculiar/x509"], {
      encoding: "utf8",
    });
    expect(x509).toBe("");
    expect(existsSync(join(prefix, "lib/node_modules/@falco-sdk/cli"))).toBe(true);
  });

  it("runs --help, and tails a Falco server started here", async () => {
    const help = await falcoAlerts(["--help"]);
    expect(help.code).toBe(EXIT.ok);
    expect(help.stdout).toMatch(/Usage: falco-alerts/);

    const socketPath = join(tempDir(), "falco.sock");
    await using server = await createFalcoTestServer({ listen: { socketPath } });
    const alerts = createAlertGenerator({ seed: 5 }).take(3);
    await server.emit(alerts);
    const tail = await falcoAlerts(["tail", "-e", server.endpoint, "--count", "3", "--json"]);
    expect({ code: tail.code, stderr: tail.stderr }).toEqual({ code: EXIT.ok, stderr: "" });
    const rules = tail.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { rule: string }).rule);
    expect(rules).toEqual(alerts.map((alert) => alert.rule));
  });

  it(
    "serve prints how to install @falco-sdk/testing and exits 1; that line makes it work",
    async () => {
      const socket = join(tempDir(), "falco.sock");
      const serve = await falcoAlerts(["serve", "--socket", socket]);
      expect(serve.code).toBe(EXIT.error);
      expect(serve.stdout).toBe("");
      expect(serve.stderr).toBe(
        "falco-alerts: `falco-alerts serve` runs the test server of @falco-sdk/testing, which is " +
          `not installed (every other command works without it): ${TESTING_INSTALL_HINT}\n`,
      );

      // The hint's command, as printed, from the folder that holds the tarballs.
      const command = /`(npm install -g [^`]+)`/.exec(TESTING_INSTALL_HINT)?.[1] ?? "";
      expect(command).toBe(
        "npm install -g ./dist-packages/falco-sdk-{core,proto,grpc-server,testing}-*.tgz",
      );
      execFileSync("bash", ["-c", `${command} --no-audit --no-fund --loglevel=error`], {
        cwd: join(tarballs, ".."),
        env: { ...process.env, ...env() },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const started = startCommand(
        join(prefix, "bin", "falco-alerts"),
        ["serve", "--socket", socket, "--rate", "50"],
        env(),
      );
      await started.waitFor("stdout", /listening on unix:\/\//);
      started.child.kill("SIGINT");
      expect((await started.done).code).toBe(EXIT.interrupted);
    },
    INSTALL_MS,
  );
});
