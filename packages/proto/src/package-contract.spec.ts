// The published package as a consumer sees it: built dist/, reached through
// package.json "exports", from both import and require().
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const pkgDir = fileURLToPath(new URL("..", import.meta.url));
const node = (args: string[]) =>
  execFileSync(process.execPath, args, { cwd: pkgDir, encoding: "utf8" }).trim();

describe("@falco-sdk/proto package contract", () => {
  it("require() loads every subpath (Node >= 20.19 require(esm))", () => {
    const out = node([
      "-e",
      `const o = require("@falco-sdk/proto/outputs");
       const v = require("@falco-sdk/proto/version");
       const s = require("@falco-sdk/proto/schema");
       const root = require("@falco-sdk/proto");
       console.log([o.service.typeName, v.service.typeName, s.priority.Warning,
         root.outputs.responseSchema.typeName].join(","));`,
    ]);
    expect(out).toBe("falco.outputs.service,falco.version.service,4,falco.outputs.response");
  });

  it("import() resolves the same modules", () => {
    const out = node([
      "--input-type=module",
      "-e",
      `import { service } from "@falco-sdk/proto/outputs";
       import { outputs, version } from "@falco-sdk/proto";
       console.log(service.method.sub.methodKind, outputs.service === service,
         version.service.method.version.name);`,
    ]);
    expect(out).toBe("bidi_streaming true version");
  });
});
