import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The store of `falco-alerts ui` when `--store` is not given: `$FALCO_ALERTS_STATE_DIR/store`,
 * else `$XDG_STATE_HOME/falco-alerts/store`, else `~/.local/state/falco-alerts/store`.
 */
export function defaultUiStore(env: NodeJS.ProcessEnv = process.env): string {
  if (env.FALCO_ALERTS_STATE_DIR) return join(env.FALCO_ALERTS_STATE_DIR, "store");
  const state = env.XDG_STATE_HOME || join(homedir(), ".local", "state");
  return join(state, "falco-alerts", "store");
}
