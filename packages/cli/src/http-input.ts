// The HTTP input of every command that reads alerts (--listen-http): a receiver of Falco's
// http_output, its TLS and secret flags, and what it reports on stderr.
import {
  createHttpAlertReceiver,
  type HttpAlertReceiver,
  type ReceiverHandOff,
} from "@falco-sdk/http";
import type { AlertInput, InputFlags, OpenAlertInputsOptions } from "./alert-inputs.js";
import { UsageError } from "./exit-codes.js";
import { parseListenAddress } from "./listen-address.js";
import { loadFile } from "./load-file.js";
import { plural } from "./plural.js";

/** The env variable of the HTTP input's shared secret (kept out of `ps`, like the file). */
export const HTTP_SECRET_ENV = "FALCO_ALERTS_HTTP_SECRET";

/**
 * The HTTP input's shared secret: --http-secret, else the first line of --http-secret-file,
 * else env FALCO_ALERTS_HTTP_SECRET, else none.
 * @throws UsageError for both flags, or an empty secret; ConfigurationError for an unreadable file.
 */
function httpSecret(flags: InputFlags, env = process.env): string | undefined {
  if (flags.httpSecret !== undefined && flags.httpSecretFile !== undefined) {
    throw new UsageError("give --http-secret or --http-secret-file, not both");
  }
  let from = "--http-secret";
  let value = flags.httpSecret;
  if (flags.httpSecretFile !== undefined) {
    from = `--http-secret-file ${flags.httpSecretFile}`;
    value = loadFile("--http-secret-file", flags.httpSecretFile).toString("utf8").split(/\r?\n/)[0];
  } else if (value === undefined) {
    // An empty variable is no secret, as if unset.
    from = HTTP_SECRET_ENV;
    value = env[HTTP_SECRET_ENV] || undefined;
  }
  if (value === undefined) return undefined;
  if (value.trim() === "") throw new UsageError(`the secret of ${from} is empty`);
  return value;
}

export async function httpInput(
  address: string,
  flags: InputFlags,
  options: OpenAlertInputsOptions,
): Promise<AlertInput> {
  const { host, port } = parseListenAddress("--listen-http", address);
  if (!flags.httpCert !== !flags.httpKey) {
    throw new UsageError("HTTPS needs both --http-cert and --http-key");
  }
  if (flags.httpCa && !flags.httpCert) {
    throw new UsageError("--http-ca (mutual TLS) needs HTTPS: give --http-cert and --http-key");
  }
  const secret = httpSecret(flags);
  let take: ReceiverHandOff | undefined;
  const handOff: ReceiverHandOff = (line, alert) => {
    if (take === undefined) throw new Error("not ready to take alerts yet");
    take(line, alert);
  };
  const receiver = await createHttpAlertReceiver({
    host,
    port,
    // The CLI reports each refusal with its reason (and Falco logs the 400): it parses before
    // answering until it also reports the receiver's `malformed` events.
    acknowledge: "parsed",
    ...(flags.httpCert &&
      flags.httpKey && {
        tls: {
          cert: loadFile("--http-cert", flags.httpCert),
          key: loadFile("--http-key", flags.httpKey),
          ...(flags.httpCa && { ca: loadFile("--http-ca", flags.httpCa) }),
        },
      }),
    ...(secret !== undefined && {
      sharedSecret: {
        value: secret,
        ...(flags.httpSecretHeader && { header: flags.httpSecretHeader }),
      },
    }),
    insecureAllowUnauthenticatedRemote: flags.httpInsecureRemote ?? false,
    ...(options.handOff && { handOff }),
  });
  process.stderr.write(`falco-alerts: receiving Falco's http_output at ${receiver.url}\n`);
  reportReceiver(receiver, flags.verbose ?? false, options.say);
  let open = true;
  return {
    kind: "http",
    name: receiver.url,
    receiver,
    up: () => open,
    report: { connected: () => true, possibleLosses: () => 0 },
    dropped: () => receiver.stats().dropped,
    ...(options.handOff && {
      handOffTo: (to: ReceiverHandOff) => {
        take = to;
      },
    }),
    alerts: (o) => receiver.alerts(o),
    close: () => {
      open = false;
      return receiver.close();
    },
  };
}

/**
 * Prints on stderr (or through `say`) what the receiver lost: drops, and each refused request
 * with its reason. Without --verbose, only the first refusal of each reason (the rest are
 * counted, in the summary and the metrics); with it, every one.
 */
function reportReceiver(
  receiver: HttpAlertReceiver,
  verbose: boolean,
  say: OpenAlertInputsOptions["say"] = (text) => process.stderr.write(`falco-alerts: ${text}\n`),
): void {
  const seen = new Set<string>();
  (async () => {
    for await (const s of receiver.status()) {
      if (s.type === "dropped") {
        say(`${plural(s.total, "alert")} dropped so far (the output fell behind)`, true);
      } else if (s.type === "rejected" && (verbose || !seen.has(s.reason))) {
        const more =
          verbose || seen.size > 0 ? "" : " (further refusals are counted; -v prints each)";
        seen.add(s.reason);
        say(
          `refused a request to ${receiver.url} (${s.status} ${s.reason}): ${s.message}; ` +
            `an alert may be lost, ${plural(s.total, "request")} refused so far${more}`,
          true,
        );
      }
    }
  })().catch(() => {});
}
