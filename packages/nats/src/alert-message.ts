import { type Alert, formatAlertJson } from "@falco-sdk/core";
import { alertMessageId } from "./alert-id.js";
import type { OutgoingAlert } from "./backlog.js";
import { alertSubject } from "./subject.js";

const encoder = new TextEncoder();

/** Falco's own JSON alert, its subject and its stable id: what the forwarder publishes. */
export function encodeAlert(prefix: string, alert: Alert): OutgoingAlert {
  return {
    subject: alertSubject(prefix, alert),
    id: alertMessageId(alert),
    body: encoder.encode(formatAlertJson(alert)),
  };
}
