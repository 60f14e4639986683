import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { CCoreUnavailableError } from "./ccore-errors.js";

/**
 * The directory holding `falco/outputs.proto`: the first `proto/` found in a
 * parent of `from` (the falco-sdk repository's), since the interop program
 * generates its Python stubs from the same .proto files as the TypeScript ones.
 */
export function findProtoDir(from: string): string {
  let dir = dirname(from);
  for (;;) {
    const candidate = join(dir, "proto");
    if (existsSync(join(candidate, "falco", "outputs.proto"))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new CCoreUnavailableError(
    `no proto/falco/outputs.proto above ${from}: pass \`protoDir\` (a directory with ` +
      "falco/outputs.proto, version.proto and schema.proto, e.g. the falco-sdk repository's proto/).",
  );
}
