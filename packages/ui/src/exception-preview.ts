import type { ServerResponse } from "node:http";
import {
  type ExceptionCondition,
  isAttackerControlled,
  NoiseExceptionError,
  renderFalcoException,
} from "@falco-sdk/noise";
import type { AlertStore, StoreFilter } from "@falco-sdk/store";

/** The path of the exception preview, under the session-protected API. */
export const EXCEPTION_PREVIEW_PATH = "/api/ui/exception-preview";

const DAY_MS = 86_400_000;

/** A reason an exception should not be loaded as it is. */
export interface ExceptionFlag {
  readonly code: "hides-every-alert" | "attacker-controlled";
  readonly message: string;
}

/** What `GET /api/ui/exception-preview` answers: the rules file and what it would have hidden. */
export interface ExceptionPreview {
  readonly rule: string;
  readonly conditions: readonly ExceptionCondition[];
  /** Alerts of the rule it would have hidden, of all alerts of the rule, since 24 h and 7 d ago. */
  readonly lastDay: { readonly hidden: number; readonly ofRule: number };
  readonly lastWeek: { readonly hidden: number; readonly ofRule: number };
  readonly flags: readonly ExceptionFlag[];
  readonly yaml: string;
}

class PreviewParameterError extends Error {
  readonly code = "bad-parameter";
}

/** The rule and the conditions of a query: `rule` once, `hostname` at most once, `field.<name>` once each. */
function conditionsOf(params: URLSearchParams): { rule: string; conditions: ExceptionCondition[] } {
  const conditions: ExceptionCondition[] = [];
  let rule: string | undefined;
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (key === "format") continue;
    if (values.length !== 1)
      throw new PreviewParameterError(
        `${key} is given ${values.length} times: an exception matches one value per field`,
      );
    const value = values[0] as string;
    if (key === "rule") rule = value;
    else if (key === "hostname") conditions.push({ field: "evt.hostname", value });
    else if (key.startsWith("field.") && key.length > 6)
      conditions.push({ field: key.slice(6), value });
    else
      throw new PreviewParameterError(
        `${key} cannot be part of a Falco exception: filter by rule, hostname and field.<name> only`,
      );
  }
  if (rule === undefined)
    throw new PreviewParameterError(
      "give the rule the exception is for: pick one rule in the filters",
    );
  return { rule, conditions };
}

function storeFilter(rule: string, conditions: readonly ExceptionCondition[]): StoreFilter {
  const fields: Record<string, string[]> = {};
  let hostname: string[] | undefined;
  for (const c of conditions) {
    if (c.field === "evt.hostname") hostname = [c.value];
    else fields[c.field] = [c.value];
  }
  return { rule: [rule], fields, ...(hostname && { hostname }) };
}

/** The preview of an exception on the store: replays it on the last day and week. */
export function exceptionPreview(
  store: AlertStore,
  params: URLSearchParams,
  nowMs: number,
): ExceptionPreview {
  const { rule, conditions } = conditionsOf(params);
  const yaml = renderFalcoException(
    rule,
    conditions,
    `Exception on "${rule}" written by falco-alerts ui.`,
  );
  const count = (filter: StoreFilter, sinceMs: number) =>
    store.facets({ filter, since: new Date(nowMs - sinceMs), limit: 1 }).total;
  const matching = storeFilter(rule, conditions);
  const ofRule = { rule: [rule] };
  const lastDay = { hidden: count(matching, DAY_MS), ofRule: count(ofRule, DAY_MS) };
  const lastWeek = { hidden: count(matching, 7 * DAY_MS), ofRule: count(ofRule, 7 * DAY_MS) };
  const flags: ExceptionFlag[] = [];
  if (lastWeek.ofRule > 0 && lastWeek.hidden === lastWeek.ofRule)
    flags.push({
      code: "hides-every-alert",
      message: `it would have hidden every alert of "${rule}" in the last week: disable the rule instead, or add a field`,
    });
  if (conditions.every((c) => isAttackerControlled(c.field)))
    flags.push({
      code: "attacker-controlled",
      message: `it matches only on ${conditions.map((c) => c.field).join(", ")}, which whoever runs the process chooses: add a field they do not control (namespace, image, host)`,
    });
  return { rule, conditions, lastDay, lastWeek, flags, yaml };
}

/** Answers the preview as JSON, or with `format=yaml` as the rules file to download. */
export function sendExceptionPreview(store: AlertStore, url: URL, res: ServerResponse): void {
  let preview: ExceptionPreview;
  try {
    preview = exceptionPreview(store, url.searchParams, Date.now());
  } catch (error) {
    if (!(error instanceof PreviewParameterError || error instanceof NoiseExceptionError))
      throw error;
    res.writeHead(400, {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "no-store",
    });
    res.end(JSON.stringify({ error: { code: "bad-parameter", message: error.message } }));
    return;
  }
  if (url.searchParams.get("format") === "yaml") {
    res.writeHead(200, {
      "Content-Type": "application/yaml; charset=utf-8",
      "Content-Disposition": 'attachment; filename="falco-exception.yaml"',
      "Cache-Control": "no-store",
    });
    res.end(preview.yaml);
    return;
  }
  res.writeHead(200, {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
  });
  res.end(JSON.stringify(preview));
}
