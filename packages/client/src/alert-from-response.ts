import { type Alert, dateFromNs, PRIORITIES, type Priority } from "@falco-sdk/core";
import type { response } from "@falco-sdk/proto/outputs";
import { source as SourceEnum } from "@falco-sdk/proto/schema";

// Alerts built here keep the gRPC message: `alert.raw.kind === "grpc"` narrows to it.
declare module "@falco-sdk/core" {
  interface AlertRawKinds {
    grpc: { readonly kind: "grpc"; readonly message: response };
  }
}

const SOURCE_NAMES: Record<number, string> = {
  [SourceEnum.SYSCALL]: "syscall",
  [SourceEnum.K8S_AUDIT]: "k8s_audit",
  [SourceEnum.INTERNAL]: "internal",
  [SourceEnum.PLUGIN]: "plugin",
};

/**
 * The priority of a gRPC alert. A number this SDK does not know (from a
 * future Falco) maps to the nearest known one rather than being dropped.
 */
function priorityFromNumber(value: number): Priority {
  return PRIORITIES[Math.min(Math.max(value, 0), PRIORITIES.length - 1)] as Priority;
}

/**
 * Builds an Alert from a `falco.outputs.response` message. The source is
 * field 9 when set (Falco >= 0.31), else the deprecated enum of field 3.
 */
export function alertFromResponse(message: response): Alert {
  const seconds = message.time?.seconds ?? 0n;
  const timeNs = seconds * 1_000_000_000n + BigInt(message.time?.nanos ?? 0);
  return {
    time: dateFromNs(timeNs),
    timeNs,
    priority: priorityFromNumber(message.priority),
    rule: message.rule,
    output: message.output,
    outputFields: message.outputFields,
    hostname: message.hostname,
    tags: message.tags,
    // Field 3 (deprecated) is the only source before Falco 0.31.
    source: message.source || (SOURCE_NAMES[message.sourceDeprecated] ?? "unknown"),
    raw: { kind: "grpc", message },
  };
}
