import { type Alert, compileAlertFilter } from "@falco-sdk/core";
import type { FleetFilter } from "./fleet-options.js";
import { priorityToken, subjectToken } from "./subject.js";

/** The consumer's filter_subject for what the subject can express (one host, source, priority). */
export function fleetSubject(prefix: string, filter: FleetFilter = {}): string {
  const one = <T>(values: readonly T[] | undefined) =>
    values && values.length === 1 ? values[0] : undefined;
  const host = one(filter.hosts);
  const source = one(filter.sources);
  let priority = one(filter.priorities);
  if (!priority && filter.minPriority === "Emergency") priority = "Emergency";
  if (host === undefined && source === undefined && priority === undefined) return `${prefix}.>`;
  return [
    prefix,
    host === undefined ? "*" : subjectToken(host),
    source === undefined ? "*" : subjectToken(source),
    priority === undefined ? "*" : priorityToken(priority),
  ].join(".");
}

/** The whole filter, for what the subject cannot express (several hosts, "web.1" vs "web_1"). */
export function fleetPredicate(filter: FleetFilter = {}): (alert: Alert) => boolean {
  const base = compileAlertFilter(filter);
  const hosts = filter.hosts && filter.hosts.length > 0 ? new Set(filter.hosts) : undefined;
  const priorities =
    filter.priorities && filter.priorities.length > 0 ? new Set(filter.priorities) : undefined;
  return (alert) =>
    (!hosts || hosts.has(alert.hostname)) &&
    (!priorities || priorities.has(alert.priority)) &&
    (!base || base(alert));
}
