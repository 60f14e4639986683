import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { type response, responseSchema } from "./gen/falco/version_pb.js";

/** Fields of a `falco.version.service/version` answer, any subset: the rest take their defaults. */
export type VersionInit = MessageInitShape<typeof responseSchema>;

/** Every field of a `falco.version.service/version` answer, as plain values. */
export type VersionFields = Readonly<Required<Omit<VersionInit, "$typeName" | "$unknown">>>;

/** A `falco.version.response` message from its fields (unset fields take their defaults). */
export function versionResponse(init: VersionInit): response {
  return create(responseSchema, init);
}

/** Every field of a version answer as a plain object (no `$typeName`, no unknown fields). */
export function versionFields(init: VersionInit): VersionFields {
  const { $typeName: _typeName, $unknown: _unknown, ...fields } = create(responseSchema, init);
  return fields;
}

/** Falco's version answer, every field, plus what this Falco supports. */
export interface FalcoVersion {
  /** Full version text, e.g. "0.43.1". */
  readonly version: string;
  /** Major version number, e.g. 0. */
  readonly major: number;
  /** Minor version number, e.g. 43. */
  readonly minor: number;
  /** Patch version number, e.g. 1. */
  readonly patch: number;
  /** Pre-release part of the version (after `-`), `""` for a release. */
  readonly prerelease: string;
  /** Build metadata of the version (after `+`), often `""`. */
  readonly build: string;
  /** Rule engine version (major is 0 and patch 0 before Falco 0.37, where only the minor existed). */
  readonly engineMajor: number;
  /** Rule engine minor version: the only engine number before Falco 0.37. */
  readonly engineMinor: number;
  /** Rule engine patch version (0 before Falco 0.37). */
  readonly enginePatch: number;
  /** Engine semver text (since 0.37); built from the numbers for older Falco. */
  readonly engineVersion: string;
  /** Checksum of the engine's supported fields (Falco 0.32+), `""` when not reported. */
  readonly engineFieldsChecksum: string;
  /** Capabilities derived from the version. */
  readonly supports: {
    /** Alerts carry the source as text (field 9): plugin sources have their real name. >= 0.31 */
    readonly sourceField: boolean;
    /** The engine reports a full semver. >= 0.37 */
    readonly engineSemver: boolean;
    /** gRPC output exists (it was removed in 0.44). */
    readonly grpcOutput: boolean;
  };
  /** The message as received: what to answer when forwarding it (a relay does). */
  readonly raw: response;
}

const atLeast = (v: response, minor: number) => v.major > 0 || v.minor >= minor;

/** The {@link FalcoVersion} of a `falco.version.response` message. */
export function falcoVersionFromResponse(v: response): FalcoVersion {
  const engineSemver = v.engineVersion !== "" || atLeast(v, 37);
  return {
    version: v.version,
    major: v.major,
    minor: v.minor,
    patch: v.patch,
    prerelease: v.prerelease,
    build: v.build,
    engineMajor: v.engineMajor,
    engineMinor: v.engineMinor,
    enginePatch: v.enginePatch,
    engineVersion: v.engineVersion || `${v.engineMajor}.${v.engineMinor}.${v.enginePatch}`,
    engineFieldsChecksum: v.engineFieldsChecksum,
    supports: {
      sourceField: atLeast(v, 31),
      engineSemver,
      grpcOutput: !atLeast(v, 44),
    },
    raw: v,
  };
}
