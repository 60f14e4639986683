// `falco-alerts relay --store DIR --listen-http 127.0.0.1:0 --serve-http 127.0.0.1:0` as a
// process, with the addresses it printed.
import { type Started, start } from "./spec-process.js";

export interface StoreRelay {
  readonly relay: Started;
  /** The alert API (`--serve-http`), e.g. http://127.0.0.1:40123. */
  readonly api: string;
  /** Where Falco's http_output posts (`--listen-http`). */
  readonly input: string;
}

/** Starts the relay on `storeDir` (more flags in `flags`); resolves once it serves both. */
export async function startStoreRelay(storeDir: string, flags: string[] = []): Promise<StoreRelay> {
  const relay = start([
    ...["relay", "--listen-http", "127.0.0.1:0", "--store", storeDir],
    ...["--serve-http", "127.0.0.1:0", ...flags],
  ]);
  const api = (await relay.waitFor("stdout", /serving the alert API on (\S+) /))[1] as string;
  const input = (await relay.waitFor("stderr", /http_output at (\S+)\n/))[1] as string;
  return { relay, api, input };
}
