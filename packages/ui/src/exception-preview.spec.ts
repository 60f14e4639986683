// The exception preview against a real store: its counts are checked against a count made here,
// independently, from the alerts the test appended.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAlertJson } from "@falco-sdk/core";
import { type AlertStore, openAlertStore } from "@falco-sdk/store";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import type { ExceptionPreview } from "./exception-preview.js";
import { type AlertUiServer, createAlertUiServer } from "./ui-server.js";

let directory: string;
let store: AlertStore;
let server: AlertUiServer;
let cookie: string;

const HOUR_MS = 3_600_000;
interface Made {
  rule: string;
  host: string;
  ns: string;
  proc: string;
  /** fd.name; undefined: the alert has none (null), "<NA>": Falco's text for none. */
  path: string | undefined;
  exe: string;
  agoMs: number;
}
const PATHS = [
  "/etc/cron.d/job",
  "/etc/cron.daily/x",
  "/etc/cron.d",
  "/etc/passwd",
  "/var/log/syslog",
  "<NA>",
  undefined,
];
const made: Made[] = Array.from({ length: 90 }, (_, i) => ({
  rule: i % 3 === 0 ? "Shell in container" : "Read sensitive file",
  host: i % 2 === 0 ? "node-a" : "node-b",
  ns: i % 5 === 0 ? "ci" : "prod",
  proc: i % 4 === 0 ? "bash" : i % 4 === 1 ? "sh" : "python3",
  path: PATHS[i % 7],
  exe: i % 2 === 0 ? "/usr/bin/bash" : "/usr/local/bin/tool",
  // Spread over 10 days: some in the last day, some in the week, some older.
  agoMs: (i * 10 * 24 * HOUR_MS) / 90 + 60_000,
}));

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "falco-ui-exception-"));
  store = openAlertStore({ directory, durable: false });
  const now = Date.now();
  store.append(
    made.map((m) =>
      parseAlertJson(
        JSON.stringify({
          output: "o",
          priority: "Warning",
          rule: m.rule,
          time: new Date(now - m.agoMs).toISOString(),
          hostname: m.host,
          source: "syscall",
          tags: [],
          output_fields: {
            "k8s.ns.name": m.ns,
            "proc.name": m.proc,
            "proc.cmdline": `${m.proc} -c x`,
            "fd.name": m.path ?? null,
            "proc.exepath": m.exe,
          },
        }),
      ),
    ),
  );
  server = await createAlertUiServer({ store, directory, port: 0 });
  const token = new URL(server.loginUrl()).hash.slice("#token=".length);
  const login = await fetch(`${server.url}login`, {
    method: "POST",
    headers: { Origin: server.url.slice(0, -1) },
    body: `token=${token}`,
  });
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] as string;
});
afterAll(async () => {
  await server.close();
  store.close();
  rmSync(directory, { recursive: true, force: true });
});

const get = (query: string, headers: Record<string, string> = { Cookie: cookie }) =>
  fetch(`${server.url}api/ui/exception-preview?${query}`, { headers });

function expected(match: (m: Made) => boolean, rule: string, days: number) {
  // No alert is within a minute of a window's edge: the count does not depend on request latency.
  const inWindow = made.filter((m) => m.rule === rule && m.agoMs < days * 24 * HOUR_MS);
  return { hidden: inWindow.filter(match).length, ofRule: inWindow.length };
}

it("counts what the exception would have hidden in the last day and week, and renders it", async () => {
  const rule = "Read sensitive file";
  const res = await get(`rule=${encodeURIComponent(rule)}&hostname=node-a&field.k8s.ns.name=prod`);
  expect(res.status).toBe(200);
  const preview = (await res.json()) as ExceptionPreview;
  const match = (m: Made) => m.host === "node-a" && m.ns === "prod";
  expect(preview.lastDay).toEqual(expected(match, rule, 1));
  expect(preview.lastWeek).toEqual(expected(match, rule, 7));
  expect(preview.lastWeek.hidden).toBeGreaterThan(preview.lastDay.hidden);
  expect(preview.lastWeek.hidden).toBeLessThan(preview.lastWeek.ofRule);
  expect(preview.flags).toEqual([]);
  const items = parse(preview.yaml);
  expect(items[1]).toMatchObject({
    rule,
    override: { exceptions: "append" },
    exceptions: [{ fields: ["evt.hostname", "k8s.ns.name"], values: [[`"node-a"`, `"prod"`]] }],
  });
});

it("flags an exception on attacker-controlled fields only, and one that hides every alert", async () => {
  const rule = "Shell in container";
  const cmdline = await get(
    `rule=${encodeURIComponent(rule)}&field.proc.cmdline=${encodeURIComponent("bash -c x")}`,
  );
  const a = (await cmdline.json()) as ExceptionPreview;
  expect(a.flags.map((f) => f.code)).toEqual(["attacker-controlled"]);
  expect(a.lastWeek).toEqual(expected((m) => m.proc === "bash", rule, 7));
  // Every alert of the rule is on node-a or node-b: two hosts never, one host hides them all
  // only when the rule fired on that host alone. "Shell in container" is i % 3 == 0: both hosts.
  const ns = await get(`rule=${encodeURIComponent(rule)}&hostname=node-a`);
  expect(((await ns.json()) as ExceptionPreview).flags).toEqual([]);
  store.append([
    parseAlertJson(
      `{"output":"o","priority":"Error","rule":"Once","time":"${new Date().toISOString()}","hostname":"node-c","source":"syscall","tags":[],"output_fields":{"k8s.ns.name":"ci"}}`,
    ),
  ]);
  const once = (await (await get("rule=Once&field.k8s.ns.name=ci")).json()) as ExceptionPreview;
  expect(once.flags.map((f) => f.code)).toEqual(["hides-every-alert"]);
  expect(once.lastDay).toEqual({ hidden: 1, ofRule: 1 });
});

it("downloads the rules file, refuses without a session, and answers bad parameters with 400", async () => {
  const yaml = await get("rule=Once&field.k8s.ns.name=ci&format=yaml");
  expect(yaml.headers.get("content-disposition")).toBe(
    'attachment; filename="falco-exception.yaml"',
  );
  expect(await yaml.text()).toContain("override:");
  expect((await get("rule=Once&field.k8s.ns.name=ci", {})).status).toBe(401);
  for (const [query, message] of [
    ["field.k8s.ns.name=ci", "give the rule"],
    ["rule=Once", "at least one field"],
    ["rule=Once&q=x&field.a=b", "q cannot be part"],
    ["rule=Once&rule=Twice&field.a=b", "given 2 times"],
    ["rule=Once&startswith.fd.name=/a/&startswith.fd.name=/b/", "given 2 times"],
    ["rule=Once&field.fd.name=/a&startswith.fd.name=/b/", "given twice"],
    ["rule=Once&field.proc.name=a%5C", "ends with a backslash"],
    ["rule=Once&startswith.fd.name=", "give a prefix"],
    ["rule=Once&field.proc.name=%3CNA%3E", "field with no value"],
    [`rule=Once&${Array.from({ length: 101 }, (_, i) => `field.a=${i}`).join("&")}`, "at most 100"],
  ] as const) {
    const res = await get(query);
    expect(res.status, query).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message, query).toContain(
      message,
    );
  }
  const post = await fetch(`${server.url}api/ui/exception-preview?rule=Once`, {
    method: "POST",
    headers: { Cookie: cookie },
  });
  expect(post.status).toBe(405);
});

/** Falco's reading of a Falco-quoted value (written here, not imported from the renderer). */
function unquote(text: string): string {
  expect(text.startsWith('"') && text.endsWith('"'), text).toBe(true);
  const back: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
  return text.slice(1, -1).replace(/\\(.)/gs, (_, c: string) => back[c] ?? c);
}

/**
 * The alerts the downloaded rules file hides, counted over the alerts made here with Falco's
 * semantics: every field of the tuple matches (`=` equal, `in` one of, `startswith` a prefix);
 * a field without a value (missing, null or `<NA>`) never matches.
 */
function hiddenByFile(yaml: string, rule: string, days: number): number {
  const items = parse(yaml) as { rule?: string; exceptions?: unknown[] }[];
  const ex = items[1]?.exceptions?.[0] as {
    fields: string[];
    comps: string[];
    values: (string | string[])[][];
  };
  expect(items[1]?.rule).toBe(rule);
  const fieldOf = (m: Made, field: string): string | undefined =>
    ({
      "evt.hostname": m.host,
      "k8s.ns.name": m.ns,
      "proc.name": m.proc,
      "fd.name": m.path,
      "proc.exepath": m.exe,
    })[field];
  return made.filter((m) => {
    if (m.rule !== rule || m.agoMs >= days * 24 * HOUR_MS) return false;
    return ex.values.some((tuple) =>
      ex.fields.every((field, k) => {
        const value = fieldOf(m, field);
        if (value === undefined || value === "<NA>") return false;
        const want = tuple[k] as string | string[];
        if (ex.comps[k] === "in") return (want as string[]).map(unquote).includes(value);
        if (ex.comps[k] === "startswith") return value.startsWith(unquote(want as string));
        if (ex.comps[k] === "=") return value === unquote(want as string);
        throw new Error(`unexpected comp ${ex.comps[k]}`);
      }),
    );
  }).length;
}

it("replays in lists and startswith prefixes: the counts equal what the rules file hides, counted here", async () => {
  const rule = "Read sensitive file";
  const queries = [
    "field.proc.name=bash&field.proc.name=sh&startswith.fd.name=/etc/cron.d",
    "startswith.fd.name=/etc/cron.d/&hostname=node-a&hostname=node-b",
    "startswith.fd.name=/etc/&startswith.proc.exepath=/usr/",
    "startswith.fd.name=%3C&field.k8s.ns.name=prod",
    "startswith.evt.hostname=node-&field.proc.name=python3&field.proc.name=sh",
    "startswith.fd.name=/nowhere/&startswith.proc.exepath=/usr/",
  ];
  let nonZero = 0;
  for (const query of queries) {
    const res = await get(`rule=${encodeURIComponent(rule)}&${query}`);
    expect(res.status, query).toBe(200);
    const preview = (await res.json()) as ExceptionPreview;
    const day = hiddenByFile(preview.yaml, rule, 1);
    const week = hiddenByFile(preview.yaml, rule, 7);
    expect(preview.lastDay.hidden, query).toBe(day);
    expect(preview.lastWeek.hidden, query).toBe(week);
    expect(preview.lastWeek.ofRule).toBe(expected(() => true, rule, 7).ofRule);
    if (week > 0) nonZero++;
  }
  // The queries are not all trivial: most hide some alerts, and none hides every one.
  expect(nonZero).toBeGreaterThanOrEqual(4);
  const a = (await (
    await get(`rule=${encodeURIComponent(rule)}&${queries[0]}`)
  ).json()) as ExceptionPreview;
  expect(a.conditions).toEqual([
    { field: "proc.name", comp: "in", values: ["bash", "sh"] },
    { field: "fd.name", comp: "startswith", value: "/etc/cron.d" },
  ]);
  // "/etc/cron.d" also starts "/etc/cron.daily/x" and "/etc/cron.d" itself; "/etc/cron.d/" does not.
  expect(a.lastWeek.hidden).toBe(
    expected(
      (m) => ["bash", "sh"].includes(m.proc) && (m.path ?? "").startsWith("/etc/cron.d"),
      rule,
      7,
    ).hidden,
  );
});
