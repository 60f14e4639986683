import type { ServerResponse } from "node:http";
import {
  conditionValues,
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

/** Values of one `in` at most (each is a parameter of the store's query). */
export const MAX_IN_VALUES = 100;
/** Distinct values a `startswith` may stand for when another `startswith` follows it. */
const MAX_PREFIX_VALUES = 10_000;
/** How Falco writes a field that has no value: an exception never matches it. */
const NO_VALUE = "<NA>";

/**
 * The rule and the conditions of a query: `rule` once; `hostname` and `field.<name>` once
 * (`=`) or more (`in`, any of the values); `startswith.<name>` once (a prefix; `evt.hostname`
 * for the host).
 */
function conditionsOf(params: URLSearchParams): { rule: string; conditions: ExceptionCondition[] } {
  const conditions: ExceptionCondition[] = [];
  let rule: string | undefined;
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (key === "format") continue;
    const one = () => {
      if (values.length !== 1)
        throw new PreviewParameterError(`${key} is given ${values.length} times: give it once`);
      return values[0] as string;
    };
    const valuesOf = (field: string): ExceptionCondition => {
      if (values.length > MAX_IN_VALUES)
        throw new PreviewParameterError(
          `${key} is given ${values.length} times: an in list takes at most ${MAX_IN_VALUES} values`,
        );
      if (values.includes(NO_VALUE))
        throw new PreviewParameterError(
          `${key}=${NO_VALUE} is how Falco writes a field with no value, which an exception never matches: leave the field out`,
        );
      return values.length === 1
        ? { field, value: values[0] as string }
        : { field, comp: "in", values: [...new Set(values)] };
    };
    if (key === "rule") rule = one();
    else if (key === "hostname") conditions.push(valuesOf("evt.hostname"));
    else if (key.startsWith("field.") && key.length > 6) conditions.push(valuesOf(key.slice(6)));
    else if (key.startsWith("startswith.") && key.length > 11) {
      const prefix = one();
      if (prefix === "")
        throw new PreviewParameterError(
          `${key} is empty, which every value starts with: give a prefix such as a directory`,
        );
      conditions.push({ field: key.slice(11), comp: "startswith", value: prefix });
    } else
      throw new PreviewParameterError(
        `${key} cannot be part of a Falco exception: filter by rule, hostname, field.<name> and startswith.<name> only`,
      );
  }
  if (rule === undefined)
    throw new PreviewParameterError(
      "give the rule the exception is for: pick one rule in the filters",
    );
  return { rule, conditions };
}

/**
 * How many alerts of `rule` since `since` the exception hides, with Falco's semantics: `=` and
 * `in` are exact text matches (the store's filter); a `startswith` is the sum of the counts of
 * the field's distinct values (the store's facets, under the other conditions) that start with
 * the prefix; with several, each but the last becomes the `in` list of its matching values.
 * An alert without the field (no value, or `<NA>`) is never hidden, as in Falco.
 */
export function replayCount(
  store: AlertStore,
  rule: string,
  conditions: readonly ExceptionCondition[],
  since: Date,
): number {
  const fields: Record<string, readonly string[]> = {};
  let hostname: readonly string[] | undefined;
  const set = (field: string, values: readonly string[]) => {
    if (field === "evt.hostname") hostname = values;
    else fields[field] = values;
  };
  const prefixes: { field: string; value: string }[] = [];
  for (const c of conditions) {
    if (c.comp === "startswith") prefixes.push(c);
    else set(c.field, conditionValues(c));
  }
  const filter = (): StoreFilter => ({ rule: [rule], fields, ...(hostname && { hostname }) });
  for (const [k, p] of prefixes.entries()) {
    const host = p.field === "evt.hostname";
    const facets = store.facets({
      filter: filter(),
      since,
      fields: host ? [] : [p.field],
      limit: Number.MAX_SAFE_INTEGER,
    });
    const counts = (host ? facets.hostname : facets.fields[p.field]) ?? [];
    const matching = counts.filter((v) => v.value !== NO_VALUE && v.value.startsWith(p.value));
    if (k === prefixes.length - 1) return matching.reduce((n, v) => n + v.count, 0);
    if (matching.length === 0) return 0;
    if (matching.length > MAX_PREFIX_VALUES)
      throw new PreviewParameterError(
        `${matching.length} values of ${p.field} start with ${JSON.stringify(p.value)}: too many to replay with another startswith, use = or in for one of them`,
      );
    set(
      p.field,
      matching.map((v) => v.value),
    );
  }
  return store.facets({ filter: filter(), since, limit: 1 }).total;
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
  const since = (ms: number) => new Date(nowMs - ms);
  const ofRule = (ms: number) =>
    store.facets({ filter: { rule: [rule] }, since: since(ms), limit: 1 }).total;
  const hidden = (ms: number) => replayCount(store, rule, conditions, since(ms));
  const lastDay = { hidden: hidden(DAY_MS), ofRule: ofRule(DAY_MS) };
  const lastWeek = { hidden: hidden(7 * DAY_MS), ofRule: ofRule(7 * DAY_MS) };
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
