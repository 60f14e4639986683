// The language-neutral conformance suite (conformance/ at the repository root): its files,
// typed loosely (the JSON Schema checks the shape, the runner the meaning).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const CONFORMANCE_DIR = fileURLToPath(new URL("../../../conformance/", import.meta.url));

export type Bound = number | { readonly atLeast?: number; readonly atMost?: number };

export interface ErrorMatch {
  readonly code: string;
  readonly reason?: string;
  readonly messageIncludes?: string;
}

export interface EventMatch {
  readonly type: string;
  readonly alertsMayHaveBeenLost?: boolean;
  readonly count?: number;
  readonly total?: number;
  readonly attempt?: number;
  readonly error?: ErrorMatch;
}

/** One step; exactly one of `server`, `client`, `expect`, `repeat` is set. */
export interface Step {
  readonly server?: string;
  readonly client?: string;
  readonly expect?: string;
  readonly repeat?: readonly Step[];
  readonly until?: EventMatch;
  readonly atMost?: number;
  readonly options?: Record<string, unknown>;
  readonly error?: ErrorMatch;
  readonly count?: number;
  readonly alerts?: readonly unknown[];
  readonly n?: number;
  readonly take?: number;
  readonly pauseMs?: number;
  readonly maxPending?: number;
  readonly atLeast?: number;
  readonly missing?: { readonly atMost: number | "serverDropped" };
  readonly events?: readonly EventMatch[];
  readonly exact?: boolean;
  readonly type?: string;
  readonly timeoutMs?: number;
  readonly queued?: Bound;
  readonly delivered?: Bound;
  readonly dropped?: Bound;
  readonly subscribers?: Bound;
  readonly requests?: Bound;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly servers: readonly ("node" | "ccore")[];
  readonly transports: readonly ("unix" | "mtls")[];
  readonly server?: { readonly threadiness?: number };
  readonly steps: readonly Step[];
}

/** Every scenario, by file name. */
export function loadScenarios(): Scenario[] {
  const dir = join(CONFORMANCE_DIR, "scenarios");
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({
      name: file.slice(0, -".json".length),
      ...(JSON.parse(readFileSync(join(dir, file), "utf8")) as Omit<Scenario, "name">),
    }));
}

/** The table of defaults every client shares. */
export function loadDefaults(): Record<string, unknown> & {
  reconnect: Record<string, unknown>;
} {
  return JSON.parse(readFileSync(join(CONFORMANCE_DIR, "defaults.json"), "utf8"));
}

/** The scenarios `language` skips: name -> reason (conformance/skips.json, the one place). */
export function loadSkips(language: string): Record<string, string> {
  const skips = JSON.parse(readFileSync(join(CONFORMANCE_DIR, "skips.json"), "utf8"));
  return skips[language] ?? {};
}
