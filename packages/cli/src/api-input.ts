// `tail --api URL`: the falco-sdk HTTP alert API's stream (a relay's --serve-http) as the
// command's input, resumable with --resume / --cursor-file.
import { join } from "node:path";
import {
  type AlertStreamClient,
  type AlertStreamSubscription,
  createAlertStreamClient,
  type SubscribeOptions,
} from "@falco-sdk/api-client";
import { ConfigurationError } from "@falco-sdk/core";
import type { FleetStart } from "@falco-sdk/nats";
import { paint } from "@falco-sdk/noise/internal";
import type { AlertInputs } from "./alert-inputs.js";
import type { FilterFlags } from "./connection-options.js";
import { describeError, UsageError } from "./exit-codes.js";
import { loadFile } from "./load-file.js";
import { plural } from "./plural.js";
import { stateDirectory } from "./state-directory.js";
import { useColor } from "./use-color.js";

/** Flags of `tail --api`. */
export interface ApiFlags extends FilterFlags {
  api?: string;
  resume?: boolean;
  cursorFile?: string;
  apiTokenFile?: string;
  apiCa?: string;
  apiCert?: string;
  apiKey?: string;
  wait?: boolean;
  since?: FleetStart;
  host?: string[];
  verbose?: boolean;
  from?: string[];
  endpoint?: string[];
  listenHttp?: string[];
  listen?: string[];
  nats?: string[];
  durable?: string;
}

/** The API input, with what it counted for the summary. */
export interface ApiInput extends AlertInputs {
  /** Alerts the server's retention removed before this tail read them (gap events). */
  removedByRetention(): number;
  /** The cursor file, with --resume or --cursor-file. */
  readonly cursorFile: string | undefined;
}

/**
 * The cursor file of `tail --api URL --resume`: one per API (scheme, host, port and path),
 * `<state>/tail-cursors/<http_127.0.0.1_2803>.cursor`, where `<state>` is
 * `$XDG_STATE_HOME/falco-alerts`, else `~/.local/state/falco-alerts`.
 */
export function defaultCursorFile(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = url
    .replace(/^(\w+):\/\//, "$1_")
    .replace(/\/+$/, "")
    .replace(/[^\w.-]+/g, "_");
  return join(stateDirectory(env), "tail-cursors", `${name}.cursor`);
}

function readToken(path: string): string {
  const token = loadFile("--api-token-file", path).toString("utf8").split("\n")[0]?.trim() ?? "";
  if (token === "") {
    throw new ConfigurationError(
      `--api-token-file ${path} is empty: its first line is the API's bearer token`,
    );
  }
  return token;
}

function checkFlags(flags: ApiFlags): void {
  const others = [flags.from, flags.endpoint, flags.listenHttp, flags.listen, flags.nats].some(
    (v) => v && v.length > 0,
  );
  if (others) {
    throw new UsageError(
      "--api reads the alert API's stream: it cannot be combined with --from, --listen-http or --nats",
    );
  }
  if (flags.durable !== undefined) {
    throw new UsageError("--durable is for --nats; with --api, --resume keeps the place");
  }
}

/** Where the subscription starts: --since, and the cursor file with --resume / --cursor-file. */
function startOptions(flags: ApiFlags, cursorFile: string | undefined): SubscribeOptions {
  const since = flags.since;
  return {
    ...(cursorFile !== undefined && { cursorFile }),
    ...(since !== undefined && since !== "new" && { resumeFrom: 0 }),
    ...(since instanceof Date && { since }),
  };
}

/** Opens the API's stream as the command's one input. */
export function openApiInput(flags: ApiFlags): ApiInput {
  checkFlags(flags);
  const url = flags.api as string;
  const tls =
    flags.apiCa || flags.apiCert || flags.apiKey
      ? {
          ...(flags.apiCa && { ca: loadFile("--api-ca", flags.apiCa) }),
          ...(flags.apiCert && { cert: loadFile("--api-cert", flags.apiCert) }),
          ...(flags.apiKey && { key: loadFile("--api-key", flags.apiKey) }),
        }
      : undefined;
  const client: AlertStreamClient = createAlertStreamClient({
    url,
    ...(flags.apiTokenFile !== undefined && { token: readToken(flags.apiTokenFile) }),
    ...(tls && { tls }),
    waitForServer: flags.wait ?? false,
  });
  const cursorFile = flags.cursorFile ?? (flags.resume ? defaultCursorFile(client.url) : undefined);
  const subscription: AlertStreamSubscription = client.subscribe({
    ...startOptions(flags, cursorFile),
    filter: {
      ...(flags.minPriority && { minPriority: flags.minPriority }),
      ...(flags.rule && { rule: flags.rule }),
      ...(flags.tag && { tag: flags.tag }),
      ...(flags.source && { source: flags.source }),
      ...(flags.host && { hostname: flags.host }),
    },
  });
  const state = { connected: false, open: true, removed: 0 };
  void reportApiStatus(subscription, flags, state).catch(() => {});
  return {
    inputs: [],
    alerts: ({ signal }) => {
      signal.addEventListener("abort", () => subscription.unsubscribe(), { once: true });
      return subscription;
    },
    up: () => state.open && state.connected,
    report: { connected: () => state.connected, possibleLosses: () => 0 },
    removedByRetention: () => state.removed,
    cursorFile,
    close: async () => {
      state.open = false;
      subscription.unsubscribe();
      await subscription.closed;
    },
  };
}

/** Prints the subscription's events on stderr (connecting and caught-up only when verbose). */
async function reportApiStatus(
  subscription: AlertStreamSubscription,
  flags: ApiFlags,
  state: { connected: boolean; removed: number },
): Promise<void> {
  const color = useColor(process.stderr);
  const chatty = flags.verbose ?? process.stderr.isTTY === true;
  const say = (text: string, warning = false) =>
    process.stderr.write(`${paint(color, warning ? "yellow" : "dim", `falco-alerts: ${text}`)}\n`);
  for await (const event of subscription.status()) {
    switch (event.type) {
      case "connecting":
        if (chatty) {
          const from = event.after === undefined ? "from now" : `after cursor ${event.after}`;
          say(`connecting to ${event.url} (${from})`);
        }
        break;
      case "connected":
        state.connected = true;
        if (chatty) say(`connected to ${event.url}`);
        break;
      case "disconnected":
        // Before the first connection the command reports the error itself (or --wait retries).
        if (!state.connected && !flags.wait) break;
        say(
          `${state.connected ? "disconnected" : "waiting for the API"}: ${describeError(event.error)}; ` +
            `${event.retryInMs === 0 ? "resuming now" : `retrying in ${(event.retryInMs / 1000).toFixed(1)} s`} (nothing is lost)`,
          state.connected,
        );
        break;
      case "gap":
        state.removed += event.count;
        say(
          `${plural(event.count, "alert")} after cursor ${event.after} ${event.count === 1 ? "was" : "were"} ` +
            "removed by the server's retention before this tail read them",
          true,
        );
        break;
      case "caught-up":
        if (chatty) say(`caught up (cursor ${event.cursor}); following new alerts`);
        break;
      case "invalid-alert":
        say(`skipped alert ${event.cursor}: not a Falco alert (${event.error.message})`, true);
        break;
      case "cursor-not-saved":
        say(describeError(event.error), true);
        break;
    }
  }
}
