/**
 * Output fields whose value whoever runs a process chooses freely: a command line, its
 * arguments, a file name, a process or thread name, an environment. An exception that
 * matches on these alone lets an attacker opt out of the rule (`bash -c 'x' # allowed-tool`),
 * so it is flagged, never offered silently.
 */
export const ATTACKER_CONTROLLED_FIELDS: ReadonlySet<string> = new Set([
  "proc.cmdline",
  "proc.args",
  "proc.name",
  "proc.exeline",
  "proc.exe",
  "proc.env",
  "proc.pcmdline",
  "proc.pname",
  "proc.aname",
  "proc.acmdline",
  "thread.name",
  "fd.name",
  "fd.filename",
  "fd.directory",
  "fs.path.name",
  "fs.path.source",
  "fs.path.target",
  "evt.args",
  "evt.arg.name",
  "evt.arg.path",
]);

/** Whether an attacker chooses this field's value (`proc.aname[2]` counts as `proc.aname`). */
export function isAttackerControlled(field: string): boolean {
  return ATTACKER_CONTROLLED_FIELDS.has(field.replace(/\[.*\]$/, ""));
}
