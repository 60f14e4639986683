import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import draft06 from "ajv/dist/refs/json-schema-draft-06.json" with { type: "json" };
import { expect, it } from "vitest";
import { parse } from "yaml";
import { isAttackerControlled } from "./attacker-fields.js";
import type { NoiseExceptionError } from "./exception-condition.js";
import { renderFalcoException } from "./render-exception.js";

const schema = JSON.parse(
  readFileSync(new URL("../test/fixtures/falco-rule-schema.json", import.meta.url), "utf8"),
);
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
const validate = ajv.compile(schema);

it("appends one exception on the rule, fields sorted, valid against Falco's rules schema", () => {
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
      { fields: ["k8s.ns.name", "proc.name"], comps: ["=", "="], values: [["ci", "bash"]] },
    ],
  });
  expect(text).toContain("fields: [ k8s.ns.name, proc.name ]");
});

it("refuses values Falco's syntax cannot carry, duplicate fields and no condition, by code", () => {
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as NoiseExceptionError).code;
    }
  };
  expect(code(() => renderFalcoException("R", [{ field: "proc.name", value: "a,b" }]))).toBe(
    "unsafe-value",
  );
  expect(code(() => renderFalcoException("R", [{ field: "x) or (y", value: "a" }]))).toBe(
    "unsafe-value",
  );
  expect(code(() => renderFalcoException("R", []))).toBe("no-condition");
  expect(
    code(() =>
      renderFalcoException("R", [
        { field: "proc.name", value: "a" },
        { field: "proc.name", value: "b" },
      ]),
    ),
  ).toBe("duplicate-field");
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
