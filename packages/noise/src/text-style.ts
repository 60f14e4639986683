import { styleText } from "node:util";
import type { Priority } from "@falco-sdk/core";

// Terminal colours: of the noise table (renderNoiseTable with `color: true`) and, through
// `@falco-sdk/noise/internal`, of the CLI's output. Whether to colour is the caller's decision
// (the CLI's `useColor` checks NO_COLOR, FORCE_COLOR and whether its stream is a terminal), so
// nothing here looks at a terminal or the environment.

/** A `node:util` `styleText` format: a colour or modifier name, or a list of them. */
export type TextFormat = Parameters<typeof styleText>[0];

/**
 * `text` in `format` when `enabled`, else `text` unchanged. The caller decides per stream:
 * styleText's own check looks at stdout only, which is wrong for stderr lines.
 */
export function paint(enabled: boolean, format: TextFormat, text: string): string {
  return enabled ? styleText(format, text, { validateStream: false }) : text;
}

const PRIORITY_COLOR: Record<Priority, TextFormat> = {
  Emergency: ["bgRed", "white", "bold"],
  Alert: ["red", "bold"],
  Critical: ["red", "bold"],
  Error: "red",
  Warning: "yellow",
  Notice: "cyan",
  Informational: "green",
  Debug: "gray",
};

/** `text` (default: the priority's name) in the priority's colour when `enabled`. */
export function paintPriority(
  enabled: boolean,
  priority: Priority,
  text: string = priority,
): string {
  return paint(enabled, PRIORITY_COLOR[priority], text);
}
