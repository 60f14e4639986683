// falco-alerts on a real terminal: a pseudo-terminal from Python's pty module
// (/usr/bin/python3, stdlib only), so isTTY, colours and cursor control are the real ones.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { bin, serve, startCommand, useProcesses } from "../test/spec-process.js";

useProcesses();

const PY = "/usr/bin/python3";
const ESC = "\x1b";
const SGR = new RegExp(`${ESC}\\[\\d+m`);
const IN_PTY = [
  "-c",
  "import os, pty, sys; os.environ['COLUMNS'] = '120'; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))",
];

/** Runs falco-alerts under a pseudo-terminal; resolves with everything the terminal received. */
function inTerminal(args: string[], env: NodeJS.ProcessEnv = {}) {
  return startCommand(PY, [...IN_PTY, process.execPath, bin, ...args], {
    NO_COLOR: undefined,
    TERM: "xterm-256color",
    ...env,
  }).done;
}

describe.skipIf(!existsSync(PY))("falco-alerts on a terminal", () => {
  it("stats redraws the table in place, throttled, and leaves the final table", async () => {
    const { endpoint } = await serve(undefined, 100);
    const r = await inTerminal(["stats", "-e", endpoint, "--duration", "1.5", "--top", "3"]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out.startsWith("\x1b[?25l")).toBe(true); // cursor hidden while drawing
    expect(out.trimEnd().endsWith("\x1b[?25h")).toBe(true); // and shown again
    // Up over the previous frame: header, 3 rows, footer and the status line.
    const redraws = out.split(`${ESC}[6F`).length - 1;
    expect(redraws).toBeGreaterThan(0);
    // Throttled: far fewer frames than the ~150 alerts that arrived.
    const frames = out.match(/alerts, \d+ rules/g) ?? [];
    expect(out).toMatch(/\n\S*connected to unix:\/\/\S+falco\.sock/); // status inside the frame
    const total = Number(/(\d+) alerts, \d+ rules(?![\s\S]*alerts, \d+ rules)/.exec(out)?.[1]);
    expect(total).toBeGreaterThan(50);
    expect(frames.length).toBeLessThan(total / 2);
    expect(out).toMatch(new RegExp(`${ESC}\\[3\\dm(Notice|Warning|Critical|Alert|Error)`));
  });

  it("tail colours priorities on a terminal, and not with NO_COLOR", async () => {
    const { endpoint } = await serve();
    const coloured = await inTerminal(["tail", "-e", endpoint, "-n", "3"]);
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toMatch(/connecting to unix:/);
    expect(coloured.stdout).toMatch(SGR);
    const plain = await inTerminal(["tail", "-e", endpoint, "-n", "3"], { NO_COLOR: "1" });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toMatch(SGR);
  });
});
