import type { Alert, Priority } from "@falco-sdk/core";

/** Default first tokens of every alert subject. */
export const DEFAULT_SUBJECT_PREFIX = "falco.alerts";

const UNSAFE = /[^A-Za-z0-9_-]/g;

/**
 * One alert property as a NATS subject token: every character other than ASCII letters,
 * digits, `-` and `_` (so `.`, `*`, `>`, spaces, non-ASCII) becomes `_`, and an empty value
 * is `_`. Host `web-1.prod` -> `web-1_prod`; priorities are lowercased (`warning`).
 * Several values can share a token (`a.b` and `a_b`): the message body keeps the exact value.
 */
export function subjectToken(value: string): string {
  return value === "" ? "_" : value.replace(UNSAFE, "_");
}

/** The token of a priority: its lowercase name, e.g. `critical`. */
export function priorityToken(priority: Priority): string {
  return priority.toLowerCase();
}

/** `<prefix>.<hostname>.<source>.<priority>`, e.g. `falco.alerts.web-1.syscall.warning`. */
export function alertSubject(prefix: string, alert: Alert): string {
  return `${prefix}.${subjectToken(alert.hostname)}.${subjectToken(alert.source)}.${priorityToken(alert.priority)}`;
}

/** Throws unless `prefix` is one or more valid subject tokens without wildcards. */
export function checkSubjectPrefix(prefix: string): string | undefined {
  if (prefix === "") return "the subject prefix is empty";
  for (const token of prefix.split(".")) {
    if (token === "" || /[\s*>]/.test(token)) {
      return `subject prefix ${JSON.stringify(prefix)} is not valid: tokens separated by single dots, no spaces, no * or >`;
    }
  }
  return undefined;
}
