import type { IncomingMessage } from "node:http";
import { type Alert, AlertParseError, type Priority, parseAlertJson } from "@falco-sdk/core";
import { parseJsonExact } from "@falco-sdk/core/internal";
import { ApiBadResponseError } from "./api-errors.js";
import type { ApiTarget } from "./api-target.js";
import type { ApiRangeOptions } from "./client-options.js";
import { apiGet, readJson, unreachable } from "./http-get.js";
import { rangeParams } from "./query-params.js";
import type { ApiAlert } from "./stream-status.js";

/** Options of `query()` and `pages()`. */
export interface QueryOptions extends ApiRangeOptions {
  /** Alerts per page, 1 to 1000. @default 100 (the server's) */
  readonly limit?: number;
  /** Only alerts with a cursor below this one: the `next` of the previous page. @default none */
  readonly before?: number;
}

/** A page of alerts, newest first; `next` (the `before` of the next page) is undefined on the last. */
export interface AlertPage {
  /** The alerts of the page, newest first. */
  readonly alerts: ApiAlert[];
  /** The `before` of the next page; undefined on the last page. */
  readonly next: number | undefined;
}

/** One value of a facet and how many alerts have it. */
export interface FacetCount {
  /** The value, e.g. a rule's name. */
  readonly value: string;
  /** How many alerts have it. */
  readonly count: number;
}

/** Options of `facets()`. */
export interface FacetOptions extends ApiRangeOptions {
  /** Output fields to count by too, e.g. `["k8s.ns.name"]`. @default none */
  readonly fields?: readonly string[];
  /** Values per facet, the most frequent first. @default 20 (the server's) */
  readonly limit?: number;
}

/** Counts of the alerts a range and filter cover, by facet. */
export interface Facets {
  /** Alerts the range and filter cover. */
  readonly total: number;
  /** Counts by priority. */
  readonly priority: FacetCount[];
  /** Counts by rule, the most frequent first. */
  readonly rule: FacetCount[];
  /** Counts by host. */
  readonly hostname: FacetCount[];
  /** Counts by source. */
  readonly source: FacetCount[];
  /** Counts by tag. */
  readonly tag: FacetCount[];
  /** Counts by value of each output field asked for. */
  readonly fields: Readonly<Record<string, FacetCount[]>>;
}

/** Options of `histogram()`. */
export interface HistogramOptions extends ApiRangeOptions {
  /** Width of a bucket, in whole seconds or more. @default a sixtieth of the range (the server's) */
  readonly bucketMs?: number;
}

/** One bucket of a histogram: alerts from `start` for `bucketMs`, by priority. */
export interface HistogramBucket {
  /** Start of the bucket. */
  readonly start: Date;
  /** Alerts in it, by priority (priorities without any are absent). */
  readonly counts: Partial<Record<Priority, number>>;
}

/** Alerts over time, by priority. */
export interface Histogram {
  /** Width of each bucket. */
  readonly bucketMs: number;
  /** The buckets, oldest first. */
  readonly buckets: HistogramBucket[];
}

function badBody(target: ApiTarget, route: string, what: string): ApiBadResponseError {
  return new ApiBadResponseError(`${target.shown} answered ${route} with ${what}`, 200);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

async function getJson(
  target: ApiTarget,
  route: string,
  params: URLSearchParams,
  signal: AbortSignal | undefined,
): Promise<Record<string, unknown>> {
  const response = await apiGet(target, route, { accept: "application/json", params, signal });
  const body = await readJson<unknown>(target, response, parseJsonExact);
  if (!isObject(body)) throw badBody(target, route, "a JSON body that is not an object");
  return body;
}

function toAlert(target: ApiTarget, item: unknown): ApiAlert {
  const route = "/api/v1/alerts";
  if (!isObject(item) || !Number.isSafeInteger(item.cursor) || !isObject(item.alert)) {
    throw badBody(target, route, "an item that is not { cursor, alert }");
  }
  try {
    return { ...parseAlertJson(item.alert), cursor: item.cursor as number };
  } catch (error) {
    if (!(error instanceof AlertParseError)) throw error;
    throw new ApiBadResponseError(
      `${target.shown} sent alert ${item.cursor} that is not a Falco alert (${error.message})`,
      200,
      { cause: error },
    );
  }
}

/** One page of `/api/v1/alerts`. */
export async function queryPage(target: ApiTarget, options: QueryOptions): Promise<AlertPage> {
  const params = rangeParams(options);
  if (options.limit !== undefined) params.set("limit", String(options.limit));
  if (options.before !== undefined) params.set("before", String(options.before));
  const body = await getJson(target, "api/v1/alerts", params, options.signal);
  if (!Array.isArray(body.alerts)) throw badBody(target, "/api/v1/alerts", "no alerts array");
  const next = body.next ?? undefined;
  if (next !== undefined && !Number.isSafeInteger(next)) {
    throw badBody(target, "/api/v1/alerts", `a next that is not a cursor: ${String(next)}`);
  }
  return {
    alerts: body.alerts.map((item) => toAlert(target, item)),
    next: next as number | undefined,
  };
}

/** Every page of `/api/v1/alerts`, newest first, each fetched when the loop asks for it. */
export async function* queryPages(
  target: ApiTarget,
  options: QueryOptions,
): AsyncGenerator<AlertPage, void, undefined> {
  let before = options.before;
  for (;;) {
    const page = await queryPage(target, { ...options, ...(before !== undefined && { before }) });
    yield page;
    if (page.next === undefined) return;
    before = page.next;
  }
}

/** `/api/v1/facets`. */
export async function getFacets(target: ApiTarget, options: FacetOptions): Promise<Facets> {
  const params = rangeParams(options);
  for (const field of options.fields ?? []) params.append("field", field);
  if (options.limit !== undefined) params.set("limit", String(options.limit));
  const body = await getJson(target, "api/v1/facets", params, options.signal);
  if (typeof body.total !== "number") throw badBody(target, "/api/v1/facets", "no total");
  return body as unknown as Facets;
}

/** `/api/v1/histogram`: bucket starts become Dates. */
export async function getHistogram(
  target: ApiTarget,
  options: HistogramOptions,
): Promise<Histogram> {
  const params = rangeParams(options);
  if (options.bucketMs !== undefined) {
    params.set("bucket", `${Math.max(1, Math.round(options.bucketMs / 1000))}s`);
  }
  const body = await getJson(target, "api/v1/histogram", params, options.signal);
  if (typeof body.bucketMs !== "number" || !Array.isArray(body.buckets)) {
    throw badBody(target, "/api/v1/histogram", "no bucketMs and buckets");
  }
  const buckets = body.buckets.map((bucket: unknown) => {
    const { start, counts } = (isObject(bucket) ? bucket : {}) as Record<string, unknown>;
    const time =
      typeof start === "string" || typeof start === "number" ? new Date(start) : undefined;
    if (!time || Number.isNaN(time.getTime()) || !isObject(counts)) {
      throw badBody(target, "/api/v1/histogram", "a bucket without start and counts");
    }
    return { start: time, counts: counts as HistogramBucket["counts"] };
  });
  return { bucketMs: body.bucketMs, buckets };
}

/** `/api/v1/stats`: the store's statistics and what the embedding process adds. */
export function getStats(
  target: ApiTarget,
  signal?: AbortSignal,
): Promise<Record<string, unknown>> {
  return getJson(target, "api/v1/stats", new URLSearchParams(), signal);
}

/** `/api/v1/alerts/export`: every alert of the range, oldest first, streamed line by line. */
export async function* exportAlerts(
  target: ApiTarget,
  options: ApiRangeOptions,
): AsyncGenerator<Alert, void, undefined> {
  const response: IncomingMessage = await apiGet(target, "api/v1/alerts/export", {
    accept: "application/x-ndjson",
    params: rangeParams(options),
    signal: options.signal,
  });
  let rest = "";
  try {
    for await (const chunk of response) {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") yield parseExported(target, line);
    }
  } catch (error) {
    if (error instanceof ApiBadResponseError) throw error;
    throw unreachable(target, error);
  } finally {
    response.destroy();
  }
  if (rest.trim() !== "") yield parseExported(target, rest);
}

function parseExported(target: ApiTarget, line: string): Alert {
  try {
    return parseAlertJson(line);
  } catch (cause) {
    throw new ApiBadResponseError(
      `${target.shown} exported a line that is not a Falco alert (${(cause as Error).message})`,
      200,
      { cause },
    );
  }
}
