import { type VersionFields, type VersionInit, versionResponse } from "@falco-sdk/proto";
import type { response } from "@falco-sdk/proto/version";
import type { RelaySource } from "./relay-options.js";

/**
 * What the relay answers to `version` when no gRPC source can say (only
 * http_output / webhook sources, or every Falco unreachable): version
 * "0.0.0-relay+falco-sdk", every number 0, no engine information. A client
 * can tell from it that it talks to a relay whose upstream Falco is unknown.
 */
export const RELAY_VERSION: VersionFields = {
  version: "0.0.0-relay+falco-sdk",
  major: 0,
  minor: 0,
  patch: 0,
  prerelease: "relay",
  build: "falco-sdk",
  engineMinor: 0,
  engineFieldsChecksum: "",
  engineMajor: 0,
  enginePatch: 0,
  engineVersion: "",
};

/** How long one source may take to answer a `version` the relay forwards. */
const SOURCE_TIMEOUT_MS = 2000;

/**
 * The relay's `version` answer: the fixed `override` when given; else the
 * first gRPC source's answer (cached until that source reconnects); else
 * {@link RELAY_VERSION}.
 */
export class UpstreamVersion {
  readonly #override: response | undefined;
  readonly #sources: readonly RelaySource[];
  #cached: response | undefined;

  constructor(sources: readonly RelaySource[], override: VersionInit | undefined) {
    this.#sources = sources;
    this.#override = override === undefined ? undefined : versionResponse(override);
  }

  /** Forget the cached answer (a source reconnected: it may be another Falco now). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async answer(signal: AbortSignal): Promise<response> {
    if (this.#override !== undefined) return this.#override;
    if (this.#cached !== undefined) return this.#cached;
    for (const source of this.#sources) {
      if (source.version === undefined) continue;
      try {
        const init = await source.version(
          AbortSignal.any([signal, AbortSignal.timeout(SOURCE_TIMEOUT_MS)]),
        );
        this.#cached = versionResponse(init);
        return this.#cached;
      } catch {
        if (signal.aborted) break;
        // this Falco is down: try the next source
      }
    }
    return versionResponse(RELAY_VERSION);
  }
}
