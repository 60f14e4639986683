/**
 * `@falco-sdk/testing/launcher`: where the `falco-test-launcher` program is, for tests in
 * other languages (Python, Go, Rust) that drive a test server over its JSON lines on
 * stdin/stdout (the protocol is described at the top of `launcher/main.ts`).
 *
 * @packageDocumentation
 */
import { fileURLToPath } from "node:url";

/** The name of the launcher's executable (the package's `bin`). */
export const LAUNCHER_BIN = "falco-test-launcher";

/**
 * The absolute path of the launcher's script, `dist/launcher.js` of this package: run it with
 * `node <path>` (the path stays the same across versions; other languages' test kits look for it).
 */
export const launcherPath: string = fileURLToPath(
  new URL("../../dist/launcher.js", import.meta.url),
);

export type { LauncherCommand, LauncherReply, LauncherSession } from "./session.js";
export { createLauncherSession } from "./session.js";
