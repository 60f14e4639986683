/** A block of lines redrawn in place on a terminal, at most once per interval. */
export interface LiveScreen {
  /** Marks the content as changed; it is drawn at the next tick. */
  invalidate(): void;
  /** Draws now if anything changed, and stops the timer. */
  stop(): void;
}

/** Options of {@link createLiveScreen}. */
export interface LiveScreenOptions {
  /** The terminal. */
  readonly stream: NodeJS.WriteStream;
  /** Produces the lines to show. */
  readonly render: () => string[];
  /** Minimum time between two redraws. Default 250. */
  readonly intervalMs?: number;
}

const ERASE_LINE_END = "\x1b[K";
const ERASE_BELOW = "\x1b[J";
const HIDE_CURSOR = "\x1b[?25l";
const SHOW_CURSOR = "\x1b[?25h";
const up = (n: number) => (n > 0 ? `\x1b[${n}F` : "\r");

/**
 * Redraws in place with ANSI cursor control: moves up over the previous frame, rewrites each
 * line (cut to the terminal width so nothing wraps), erases what is left below. Throttled:
 * a flood of changes costs one redraw per interval.
 */
export function createLiveScreen(options: LiveScreenOptions): LiveScreen {
  const { stream, render } = options;
  let drawn = 0;
  let dirty = true;
  stream.write(HIDE_CURSOR);
  const draw = () => {
    if (!dirty) return;
    dirty = false;
    const width = stream.columns || 0;
    const lines = render().map((line) => (width > 0 ? fitWidth(line, width - 1) : line));
    stream.write(
      `${drawn > 0 ? up(drawn) : ""}${lines.map((l) => `${l}${ERASE_LINE_END}\n`).join("")}${ERASE_BELOW}`,
    );
    drawn = lines.length;
  };
  const timer = setInterval(draw, options.intervalMs ?? 250);
  draw();
  return {
    invalidate() {
      dirty = true;
    },
    stop() {
      clearInterval(timer);
      dirty = true;
      draw();
      stream.write(SHOW_CURSOR);
    },
  };
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI SGR sequences
const SGR = /\x1b\[[0-9;]*m/y;

/** Cuts a line to `width` visible characters, keeping its colour codes intact. */
export function fitWidth(line: string, width: number): string {
  let out = "";
  let visible = 0;
  let i = 0;
  while (i < line.length) {
    SGR.lastIndex = i;
    const m = SGR.exec(line);
    if (m) {
      out += m[0];
      i += m[0].length;
      continue;
    }
    if (visible < width) out += line[i];
    visible++;
    i++;
  }
  return out;
}
