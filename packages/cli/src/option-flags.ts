import { FalcoError } from "@falco-sdk/core";

/**
 * The flag of each library option that an SDK error may name (`FalcoError.namedOptions`), by
 * the function it belongs to: the one place where library words become the CLI's. An option
 * without a flag here is left as the library wrote it.
 */
const FLAG_FOR_OPTION: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  createFalcoClient: {
    "tls.ca": "--ca",
    "tls.cert": "--cert",
    "tls.key": "--key",
    "tls.serverName": "--server-name",
    "insecurePlaintextTcp: true": "--insecure-plaintext",
  },
  createAlertStreamClient: {
    url: "--api",
    token: "--api-token-file",
    "tls.ca": "--api-ca",
    "tls.cert": "--api-cert",
    "tls.key": "--api-key",
  },
  "AlertStreamClient.subscribe": {
    cursorFile: "--cursor-file",
    resumeFrom: "--since",
  },
  createNatsForwarder: {
    "spool.directory": "--spool",
    "spool.maxBytes": "--spool-max-bytes",
  },
  createHttpAlertReceiver: {
    tls: "--http-cert and --http-key",
    "tls.ca": "--http-ca",
    sharedSecret: "--http-secret-file",
    "insecureAllowUnauthenticatedRemote: true": "--http-insecure-remote",
  },
  openAlertStore: { maxBytes: "--max-store-bytes" },
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The error's message with each library option it names replaced by its flag. */
export function messageInFlags(error: Error): string {
  if (!(error instanceof FalcoError) || error.namedOptions.length === 0) return error.message;
  let message = error.message;
  // Longest first, so that `tls.ca` is replaced before `tls`.
  const named = [...error.namedOptions].sort((a, b) => b.name.length - a.name.length);
  for (const { api, name } of named) {
    const flag = FLAG_FOR_OPTION[api]?.[name];
    if (flag === undefined) continue;
    message = message.replace(
      new RegExp(`(?<![\\w.-])${escapeRegExp(name)}(?!\\w|\\.\\w)`, "g"),
      flag,
    );
  }
  return message;
}
