import { type AlertInit, alertResponse, type VersionInit, versionFields } from "@falco-sdk/proto";
import type { ListenOptions } from "./falco-server.js";

/**
 * An alert as the interop program's `emit` command takes it: the
 * `falco.outputs.response` fields by name, `time` as `{ seconds, nanos }`
 * (seconds as text: 64-bit), enums as numbers.
 */
export function alertToInteropJson(init: AlertInit): Record<string, unknown> {
  const alert = alertResponse(init);
  const doc: Record<string, unknown> = {
    priority: alert.priority,
    sourceDeprecated: alert.sourceDeprecated,
    rule: alert.rule,
    output: alert.output,
    outputFields: { ...alert.outputFields },
    hostname: alert.hostname,
    tags: [...alert.tags],
    source: alert.source,
  };
  if (alert.time) {
    doc.time = { seconds: alert.time.seconds.toString(), nanos: alert.time.nanos };
  }
  return doc;
}

/** The version answer as the interop program's `start` command takes it. */
export function versionToInteropJson(init: VersionInit): Record<string, unknown> {
  return { ...versionFields(init) };
}

/** Listen options as the interop program's `start` command takes them (PEM as text, not Buffers). */
export function listenToInteropJson(listen: ListenOptions): Record<string, unknown> {
  if (!("tls" in listen)) return { ...listen };
  const pem = (value: string | Buffer) =>
    typeof value === "string" ? value : value.toString("utf8");
  const { cert, key, ca } = listen.tls;
  return { ...listen, tls: { cert: pem(cert), key: pem(key), ca: pem(ca) } };
}
