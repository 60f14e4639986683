import { PRIORITIES, type Priority, priorityLevel } from "@falco-sdk/core";
import { type priority as PriorityEnum, source as SourceEnum } from "./gen/falco/schema_pb.js";

/** The source names of `falco.schema.source` (field 3, `source_deprecated`), by enum value. */
const SOURCE_NAMES: Readonly<Record<number, string>> = {
  [SourceEnum.SYSCALL]: "syscall",
  [SourceEnum.K8S_AUDIT]: "k8s_audit",
  [SourceEnum.INTERNAL]: "internal",
  [SourceEnum.PLUGIN]: "plugin",
};

/**
 * The priority of a `falco.schema.priority` value. A number this SDK does not
 * know (from a future Falco) maps to the nearest known one rather than being dropped.
 */
export function priorityFromWire(value: number): Priority {
  return PRIORITIES[Math.min(Math.max(value, 0), PRIORITIES.length - 1)] as Priority;
}

/** The `falco.schema.priority` value of a priority (`"Emergency"` 0 ... `"Debug"` 7). */
export function priorityToWire(priority: Priority): PriorityEnum {
  return priorityLevel(priority) as PriorityEnum;
}

/**
 * The source of a `falco.outputs.response`: field 9 (`source`, Falco >= 0.31) when
 * set, else the name of field 3's enum (`source_deprecated`): before Falco 0.31
 * plugin sources read as `"plugin"`, and an enum value this SDK does not know as `"unknown"`.
 */
export function sourceFromWire(source: string, sourceDeprecated: number): string {
  return source || (SOURCE_NAMES[sourceDeprecated] ?? "unknown");
}

/**
 * The value of `falco.outputs.response` field 3 (`source_deprecated`) for a
 * source name, as Falco fills it: a plugin source (any other name) maps to PLUGIN.
 */
export function deprecatedSource(source: string): SourceEnum {
  switch (source) {
    case "syscall":
      return SourceEnum.SYSCALL;
    case "k8s_audit":
      return SourceEnum.K8S_AUDIT;
    case "internal":
      return SourceEnum.INTERNAL;
    default:
      return SourceEnum.PLUGIN;
  }
}
