#!/usr/bin/env node
/**
 * falco-test-launcher: one Falco test server under the control of a test
 * written in any language (the Python, Go and Rust packages' tests and the
 * conformance runners spawn it; conformance/README.md uses these commands).
 * It reads one JSON command per line on stdin and answers each with one JSON
 * line on stdout, in order: `{"ok":true,...}` or `{"ok":false,"error":"..."}`.
 *
 *   {"cmd":"start","kind":"node"|"ccore","transport":"unix"|"mtls","threadiness"?:N}
 *          (threadiness: Falco's grpc.threadiness, N x 10 calls served per method)
 *       -> {"ok":true,"endpoint":"unix:///...|127.0.0.1:PORT","pki":{ca,cert,key,rogueCa,rogueCert,rogueKey}}
 *          (pki: file paths, mtls only; the server certificate is for CN=localhost)
 *   {"cmd":"emit","count":N}        queue N fixture alerts (seed 1, continuing)
 *   {"cmd":"emit","alerts":[...]}   queue these alerts, given in Falco's JSON shape
 *          ({time,priority,rule,output,output_fields,hostname,tags,source}, output_fields as
 *          strings, plus "source_deprecated": "syscall"|"k8s_audit"|"internal"|"plugin",
 *          field 3, default syscall)
 *       -> {"ok":true,"alerts":[{rule,priority,source,output,output_fields,hostname,tags,time},...]}
 *          (what a client must see: priority Capitalised, time RFC 3339 with nanoseconds,
 *          Falco's JSON; source is field 9, else the name of field 3)
 *   {"cmd":"stats"}                 -> {"ok":true,"queued","delivered","dropped","subscribers"}
 *   {"cmd":"waitSubscribers","n":N} -> answers once N `sub` calls are open
 *   {"cmd":"occupySubSlots","n":N}  opens N `sub` calls that poll once and hold their slot
 *                                   (stale calls of crashed clients) -> {"ok":true,"held":N}
 *   {"cmd":"releaseSubSlots","n":N} ends N of them              -> {"ok":true,"held":left}
 *   {"cmd":"stop"} | {"cmd":"crash"} | {"cmd":"restart"}   the FalcoServer methods
 *   {"cmd":"reload"}                FalcoServer.reload(): Falco's rules/config reload (the queue survives)
 *   {"cmd":"pause"} | {"cmd":"resume"}  FalcoServer.pause()/resume(): a hung Falco (SIGSTOP) and back
 *
 * stdin closing stops the server (crash after 2 s) and exits. Logs go to stderr.
 * In-process (TypeScript tests): `createLauncherSession()` runs the same commands.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { createLauncherSession, type LauncherCommand, type LauncherReply } from "./session.js";

const dir = mkdtempSync(join(tmpdir(), "falco-launcher-"));
const session = createLauncherSession(dir);

function reply(value: LauncherReply): void {
  process.stdout.write(
    `${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? String(v) : v))}\n`,
  );
}

let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  queue = queue.then(async () => {
    try {
      reply({ ok: true, ...(await session.handle(JSON.parse(line) as LauncherCommand)) });
    } catch (error) {
      reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
});
lines.on("close", () => {
  queue = queue.then(async () => {
    await session.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
