import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import draft06 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import { describe, expect, it } from "vitest";
import { parse, parseDocument } from "yaml";
import { isAttackerControlled } from "./attacker-fields.js";
import type { ExceptionCondition, NoiseExceptionError } from "./exception-condition.js";
import { renderFalcoException } from "./render-exception.js";

const schema = JSON.parse(
  readFileSync(new URL("../test/fixtures/falco-rule-schema.json", import.meta.url), "utf8"),
);
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
const validate = ajv.compile(schema);

interface Entry {
  name: string;
  fields: string[];
  comps: string[];
  values: (string | string[])[][];
}

/**
 * What Falco makes of an exception, written here from Falco's sources rather than from the
 * renderer: the condition text of `build_rule_exception_infos` (a value is double-quoted only when
 * it has a space and does not start with a quote; a list value is parenthesised, its items
 * quoted the same way), then libsinsp's lexer reads each value back (`lex_quoted_str`: a quote
 * ends the string unless the character before it is a backslash; `unescape_str`; a bare string
 * is `[^()"'[:space:]=,]+`). Returns the values each field is compared with.
 */
function falcoReads(entry: Entry): { field: string; comp: string; values: string[] }[] {
  const quoteItem = (e: string) => (e.includes(" ") && e[0] !== '"' && e[0] !== "'" ? `"${e}"` : e);
  const tuple = entry.values[0] as (string | string[])[];
  const parts = entry.fields.map((field, k) => {
    const v = tuple[k] as string | string[];
    const text = Array.isArray(v) ? `(${v.map(quoteItem).join(", ")})` : quoteItem(v);
    return ` ${field} ${entry.comps[k]} ${text}`;
  });
  const condition = resolveList(`(${parts.join(" and ")})`, "shell_binaries", ["bash", "sh"]);
  let i = 0;
  const blank = () => {
    while (/[ \t\b\r\n]/.test(condition[i] ?? "")) i++;
  };
  const expect = (s: string) => {
    blank();
    if (!condition.startsWith(s, i)) throw new Error(`expected ${s} at ${i} in ${condition}`);
    i += s.length;
  };
  const value = (): string => {
    blank();
    const q = condition[i];
    if (q === '"' || q === "'") {
      let prev = "\\";
      let raw = "";
      while (i < condition.length) {
        const c = condition[i] as string;
        if (c === q && prev !== "\\" && raw.length > 0) {
          i++;
          const back: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
          return raw.slice(1).replace(/\\(.)/gs, (_, e: string) => {
            if (e in back) return back[e] as string;
            if (e === "\\" || e === "/" || e === q) return e;
            throw new Error(`unsupported escape \\${e}`);
          });
        }
        prev = c;
        raw += c;
        i++;
      }
      throw new Error("unterminated string");
    }
    const m = /^[^()"'\s=,]+/.exec(condition.slice(i));
    if (!m) throw new Error(`no value at ${i} in ${condition}`);
    i += m[0].length;
    return m[0];
  };
  const read = entry.fields.map((field, k) => {
    expect(k === 0 ? "(" : "and");
    expect(field);
    const comp = entry.comps[k] as string;
    expect(comp);
    if (comp !== "in") return { field, comp, values: [value()] };
    expect("(");
    const values = [value()];
    for (blank(); condition[i] === ","; blank()) {
      i++;
      values.push(value());
    }
    expect(")");
    return { field, comp, values };
  });
  expect(")");
  if (i !== condition.length) throw new Error(`left over: ${condition.slice(i)}`);
  return read;
}

/**
 * Falco's `resolve_list`: the name of a list of the loaded rules, found between blanks, commas,
 * parentheses or `=` anywhere in a condition (values included), becomes the list's items.
 */
function resolveList(condition: string, name: string, items: string[]): string {
  const delims = " \t\n\r(),=";
  let out = condition;
  for (let start = out.indexOf(name); start >= 0; start = out.indexOf(name, start + 1)) {
    const end = start + name.length;
    const before = start === 0 || delims.includes(out[start - 1] as string);
    const after = end >= out.length || delims.includes(out[end] as string);
    if (before && after) out = `${out.slice(0, start)} ${items.join(", ")} ${out.slice(end)}`;
  }
  return out;
}

function onlyEntry(text: string): { rule: string; entry: Entry } {
  const doc = parseDocument(text);
  expect(doc.errors).toEqual([]);
  const items = doc.toJS() as Record<string, unknown>[];
  expect(validate(items), JSON.stringify(validate.errors)).toBe(true);
  expect(items).toHaveLength(2);
  expect(Object.keys(items[1] as object).sort()).toEqual(["exceptions", "override", "rule"]);
  const exceptions = (items[1] as { exceptions: Entry[] }).exceptions;
  expect(exceptions).toHaveLength(1);
  expect(exceptions[0]?.values).toHaveLength(1);
  return { rule: (items[1] as { rule: string }).rule, entry: exceptions[0] as Entry };
}

it("appends one exception on the rule, fields sorted, values Falco-quoted, valid against Falco's rules schema", () => {
  const text = renderFalcoException("Terminal shell: in container", [
    { field: "proc.name", value: "bash" },
    { field: "k8s.ns.name", value: "ci" },
  ]);
  const items = parse(text);
  expect(validate(items), JSON.stringify(validate.errors)).toBe(true);
  expect(items[1]).toMatchObject({
    rule: "Terminal shell: in container",
    override: { exceptions: "append" },
    exceptions: [
      { fields: ["k8s.ns.name", "proc.name"], comps: ["=", "="], values: [['"ci"', '"bash"']] },
    ],
  });
  expect(text).toContain("fields: [ k8s.ns.name, proc.name ]");
  expect(falcoReads(onlyEntry(text).entry)).toEqual([
    { field: "k8s.ns.name", comp: "=", values: ["ci"] },
    { field: "proc.name", comp: "=", values: ["bash"] },
  ]);
});

it("writes in lists and startswith prefixes in Falco's syntax", () => {
  const text = renderFalcoException("Write below etc", [
    { field: "fd.name", comp: "startswith", value: "/etc/cron.d/" },
    { field: "proc.name", comp: "in", values: ["sh", "run parts"] },
    { field: "evt.hostname", value: "node-a" },
  ]);
  const { entry } = onlyEntry(text);
  expect(entry.fields).toEqual(["evt.hostname", "fd.name", "proc.name"]);
  expect(entry.comps).toEqual(["=", "startswith", "in"]);
  expect(entry.values).toEqual([['"node-a"', '"/etc/cron.d/"', ['"sh"', '"run parts"']]]);
  expect(text).toContain("comps: [ =, startswith, in ]");
  expect(falcoReads(entry)).toEqual([
    { field: "evt.hostname", comp: "=", values: ["node-a"] },
    { field: "fd.name", comp: "startswith", values: ["/etc/cron.d/"] },
    { field: "proc.name", comp: "in", values: ["sh", "run parts"] },
  ]);
});

describe("values an attacker chooses cannot change the rule", () => {
  const nasty = [
    `bash -c 'echo "x" > /tmp/y'`,
    'a", "b',
    "x) or (proc.name = bash",
    "a, b, c",
    "key: value",
    "line one\nline two\r\nthree\tfour",
    "# not a comment",
    "&anchor *alias !tag",
    "- item",
    "? key",
    "[a, b]",
    "{a: b}",
    "yes",
    "null",
    "~",
    "0x1F",
    "1e3",
    " leading and trailing ",
    "%YAML 1.2",
    "---",
    "...",
    "`backtick` @at |pipe >fold",
    'back\\slash \\" quote',
    "shell_binaries",
    "\u2028line\u2029para\u0085next",
    "<NA>",
    "",
  ];
  for (const value of nasty) {
    it(`round-trips ${JSON.stringify(value)}`, () => {
      const rule = `Rule ${value}`;
      const conditions: ExceptionCondition[] = [
        { field: "proc.cmdline", value },
        { field: "fd.name", comp: "startswith", value },
        { field: "proc.name", comp: "in", values: [value, "x"] },
      ];
      const text = renderFalcoException(rule, conditions, `Exception on "${rule}"`);
      const read = onlyEntry(text);
      expect(read.rule).toBe(rule);
      expect(read.entry.fields).toEqual(["fd.name", "proc.cmdline", "proc.name"]);
      expect(read.entry.comps).toEqual(["startswith", "=", "in"]);
      expect(falcoReads(read.entry)).toEqual([
        { field: "fd.name", comp: "startswith", values: [value] },
        { field: "proc.cmdline", comp: "=", values: [value] },
        { field: "proc.name", comp: "in", values: [value, "x"] },
      ]);
    });
  }
});

it("refuses what Falco cannot read back, duplicate fields, no condition and an empty in, by code", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as NoiseExceptionError).code;
    }
  };
  expect(code(() => renderFalcoException("R", [{ field: "proc.name", value: "a\\" }]))).toBe(
    "unsafe-value",
  );
  expect(code(() => renderFalcoException("R", [{ field: "proc.name", value: "a\u0000" }]))).toBe(
    "unsafe-value",
  );
  expect(code(() => renderFalcoException("R", [{ field: "x) or (y", value: "a" }]))).toBe(
    "unsafe-value",
  );
  expect(code(() => renderFalcoException("R", []))).toBe("no-condition");
  expect(code(() => renderFalcoException("R", [{ field: "a.b", comp: "in", values: [] }]))).toBe(
    "empty-list",
  );
  expect(
    code(() =>
      renderFalcoException("R", [
        { field: "proc.name", value: "a" },
        { field: "proc.name", value: "b" },
      ]),
    ),
  ).toBe("duplicate-field");
});

it("the Falco reading in this test can fail: an unquoted quote, a bare list name", () => {
  expect(() =>
    falcoReads({ name: "n", fields: ["proc.name"], comps: ["="], values: [['a"b']] }),
  ).toThrow();
  expect(
    falcoReads({ name: "n", fields: ["proc.name"], comps: ["in"], values: [[["shell_binaries"]]] }),
  ).toEqual([{ field: "proc.name", comp: "in", values: ["bash", "sh"] }]);
  expect(
    falcoReads({ name: "n", fields: ["proc.name"], comps: ["in"], values: [[["a", "b c"]]] }),
  ).toEqual([{ field: "proc.name", comp: "in", values: ["a", "b c"] }]);
});

it("knows which fields an attacker chooses", () => {
  expect(["proc.cmdline", "fd.name", "proc.aname[2]"].map(isAttackerControlled)).toEqual([
    true,
    true,
    true,
  ]);
  expect(
    ["k8s.ns.name", "container.image.repository", "evt.hostname"].map(isAttackerControlled),
  ).toEqual([false, false, false]);
});
