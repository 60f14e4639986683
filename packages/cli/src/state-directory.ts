import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/**
 * falco-alerts' state directory: `$XDG_STATE_HOME/falco-alerts` when XDG_STATE_HOME is an
 * absolute path (the XDG Base Directory rule), else `~/.local/state/falco-alerts`.
 */
export function stateDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".local", "state");
  return join(base, "falco-alerts");
}

/** The default spool of `forward`: `<state>/forward-spool/<stream>` (one per stream). */
export function defaultSpoolDirectory(stream: string, env: NodeJS.ProcessEnv = process.env) {
  return join(stateDirectory(env), "forward-spool", stream.replace(/[^\w-]/g, "_") || "_");
}
