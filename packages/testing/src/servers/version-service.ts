import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { type VersionFields, type VersionInit, versionResponse } from "@falco-sdk/proto";
import type { service } from "@falco-sdk/proto/version";
import type { ServerCore } from "./server-core.js";

/**
 * What the test servers answer to `falco.version.service/version` by default:
 * the shape of Falco 0.43.1 (engine 0.50.0). The fields checksum is
 * illustrative, not the one a real Falco build reports.
 */
export const DEFAULT_VERSION: VersionFields = {
  version: "0.43.1",
  major: 0,
  minor: 43,
  patch: 1,
  prerelease: "",
  build: "",
  engineMinor: 50,
  engineFieldsChecksum: "6a3c4e7a0d9f2b18c5e6f1a7b3d4c2e9f0a1b2c3d4e5f60718293a4b5c6d7e8f",
  engineMajor: 0,
  enginePatch: 0,
  engineVersion: "0.50.0",
};

/** `falco.version.service`: answers `version` (after `resume()` when paused). */
export function createVersionService(
  core: ServerCore,
  version: VersionInit | undefined,
): ServiceImpl<typeof service> {
  const answer = versionResponse({ ...DEFAULT_VERSION, ...version });
  return {
    async version(_request, context: HandlerContext) {
      const call = await core.startCall("version", context.signal);
      try {
        await core.gate.pass(context.signal);
        return answer;
      } finally {
        call.close();
      }
    },
  };
}
