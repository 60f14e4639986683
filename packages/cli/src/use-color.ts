// The CLI's colours are @falco-sdk/noise's (`paint`, `paintPriority` of its internal entry);
// this file decides, per stream, whether to use them.

/** Colours only on a terminal, unless NO_COLOR is set or FORCE_COLOR asks for them. */
export function useColor(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}
