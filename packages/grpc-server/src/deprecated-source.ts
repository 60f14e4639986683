import { source as SourceEnum } from "@falco-sdk/proto/schema";

/**
 * The value of `falco.outputs.response` field 3 (`source_deprecated`) for a
 * source name, as Falco fills it: plugin sources (any other name) map to PLUGIN.
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
