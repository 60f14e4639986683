import { styleText } from "node:util";
import type { Priority } from "@falco-sdk/core";

// Colours of the terminal table (renderNoiseTable with `color: true`). Whether to colour is the
// caller's decision (a CLI checks its stream), so nothing here looks at a terminal.

type Format = Parameters<typeof styleText>[0];

/** `text` in `format` when `enabled`. */
export function paint(enabled: boolean, format: Format, text: string): string {
  return enabled ? styleText(format, text, { validateStream: false }) : text;
}

const PRIORITY_COLOR: Record<Priority, Format> = {
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
