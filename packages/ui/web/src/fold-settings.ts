// The fold settings live in the view's URL beside the filters: `fold=off` (folding is on unless
// it says so), `foldBy=proc.name,container.image.repository` (output fields added to the key of
// rule and host), `foldWindow=5m` (the API's duration syntax).
import { durationMs } from "./duration.js";

export interface FoldSettings {
  /** Repeated alerts shown as one row. @default true */
  readonly enabled: boolean;
  /** Output fields that must also be equal, besides rule and hostname. @default [] */
  readonly fields: readonly string[];
  /** The window's length, as in the URL (`90s`, `5m`, `1h`). @default "5m" */
  readonly window: string;
  /** The window in milliseconds. @default 300000 */
  readonly windowMs: number;
}

export const DEFAULT_FOLD: FoldSettings = {
  enabled: true,
  fields: [],
  window: "5m",
  windowMs: 300_000,
};

/** The URL parameters of the fold settings (view-only: never sent to the API). */
export const FOLD_PARAMS = ["fold", "foldBy", "foldWindow"] as const;

/** Output field names of a text: separated by commas or spaces, each once. */
export function foldFields(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((f) => f.length > 0))];
}

/**
 * The fold settings of a view URL's query; `problem` says what was ignored (a window that is not
 * a duration, or is zero).
 */
export function readFoldSettings(search: string): { settings: FoldSettings; problem?: string } {
  const params = new URLSearchParams(search);
  const enabled = params.get("fold") !== "off";
  const fields = foldFields(params.get("foldBy") ?? "");
  const window = params.get("foldWindow");
  if (window === null) return { settings: { ...DEFAULT_FOLD, enabled, fields } };
  const ms = durationMs(window);
  if (ms === undefined || ms <= 0)
    return {
      settings: { ...DEFAULT_FOLD, enabled, fields },
      problem: `foldWindow=${window} is not a duration such as 90s, 5m, 1h: folding in 5-minute windows`,
    };
  return { settings: { enabled, fields, window: window.trim(), windowMs: ms } };
}

/** Writes the settings in a query, leaving out what is the default (so plain links stay short). */
export function writeFoldSettings(params: URLSearchParams, settings: FoldSettings): void {
  for (const p of FOLD_PARAMS) params.delete(p);
  if (!settings.enabled) params.set("fold", "off");
  if (settings.fields.length > 0) params.set("foldBy", settings.fields.join(","));
  if (settings.windowMs !== DEFAULT_FOLD.windowMs) params.set("foldWindow", settings.window);
}
