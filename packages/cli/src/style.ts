import { styleText } from "node:util";
import type { Priority } from "@falco-sdk/core";

type Format = Parameters<typeof styleText>[0];

/** Colours only on a terminal, unless NO_COLOR is set or FORCE_COLOR asks for them. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

/**
 * `text` in `format` when `enabled`. The decision is ours ({@link useColor}, per stream):
 * styleText's own check looks at stdout only, which is wrong for stderr lines.
 */
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

export function paintPriority(
  enabled: boolean,
  priority: Priority,
  text: string = priority,
): string {
  return paint(enabled, PRIORITY_COLOR[priority], text);
}
