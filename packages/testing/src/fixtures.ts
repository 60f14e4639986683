import {
  type AlertInit,
  deprecatedSource,
  priorityToWire,
  timestampFromNs,
} from "@falco-sdk/proto";
import {
  formatEventTime,
  NA,
  normalizeTags,
  renderTemplate,
  templateFields,
} from "./falco-output-format.js";
import { INTERNAL_RULES, K8S_AUDIT_RULES, PLUGIN_RULES } from "./fixture-other-rules.js";
import { SYSCALL_RULES } from "./fixture-syscall-rules.js";
import type { FixtureContext, FixtureRule, Workload } from "./fixture-types.js";
import type { Prng } from "./prng.js";

/** Every fixture rule: syscall, k8s_audit, plugin (aws_cloudtrail, okta, github) and internal. */
export const FIXTURE_RULES: readonly FixtureRule[] = [
  ...SYSCALL_RULES,
  ...K8S_AUDIT_RULES,
  ...PLUGIN_RULES,
  ...INTERNAL_RULES,
];

const APPS = [
  ["nginx", "docker.io/library/nginx", "1.27.2"],
  ["redis", "docker.io/library/redis", "7.4"],
  ["postgres", "docker.io/library/postgres", "16.4"],
  ["api", "ghcr.io/example/payments-api", "v2.3.1"],
  ["frontend", "ghcr.io/example/frontend", "2026.01.3"],
] as const;
const NAMESPACES = ["default", "payments", "frontend", "kube-system", "monitoring"];

/**
 * A random workload: a Kubernetes pod (70%), a plain container (15%) or the
 * host (15%); with `containerOnly`, the host share goes to Kubernetes pods.
 */
export function randomWorkload(random: Prng, containerOnly = false): Workload {
  const roll = random.next();
  if (roll < 0.15 && !containerOnly) {
    return {
      containerId: "host",
      containerName: "host",
      imageRepository: null,
      imageTag: null,
      namespace: null,
      pod: null,
    };
  }
  const [app, repository, tag] = random.pick(APPS);
  const inK8s = roll >= 0.3 || roll < 0.15;
  const pod = `${app}-${random.alnum(10)}-${random.alnum(5)}`;
  return {
    containerId: random.hex(12),
    containerName: inK8s ? `k8s_${app}_${pod}` : `${app}-${random.int(1, 9)}`,
    imageRepository: repository,
    imageTag: tag,
    namespace: inK8s ? random.pick(NAMESPACES) : null,
    pod: inK8s ? pod : null,
  };
}

function workloadFields(workload: Workload): Record<string, string | null> {
  return {
    "container.id": workload.containerId,
    "container.name": workload.containerName,
    "container.image.repository": workload.imageRepository,
    "container.image.tag": workload.imageTag,
    "k8s.ns.name": workload.namespace,
    "k8s.pod.name": workload.pod,
  };
}

/**
 * Builds the alert Falco would send for `rule` at `context.timeNs` on
 * `hostname`: output line `HH:MM:SS.nnnnnnnnn: Priority text (k=v ...)`,
 * every `output_fields` value a string (`<NA>` for nulls), tags sorted and
 * de-duplicated, both source fields set.
 */
export function buildFixtureAlert(
  rule: FixtureRule,
  context: FixtureContext,
  hostname: string,
): AlertInit {
  const time = formatEventTime(context.timeNs);
  const generated = rule.fields(context);
  let output: string;
  const outputFields: Record<string, string> = {};
  if (rule.source === "internal") {
    const pairs = Object.entries(generated).map(([key, value]) => `${key}=${value ?? NA}`);
    output = `${time}: ${rule.priority} ${renderTemplate(rule.output, generated)} (${pairs.join(" ")})`;
    for (const [key, value] of Object.entries(generated)) {
      outputFields[key] = value ?? NA;
    }
  } else {
    const values: Record<string, string | null> =
      rule.source === "syscall" ? { ...workloadFields(context.workload), ...generated } : generated;
    values["evt.time"] = String(context.timeNs);
    output = `${time}: ${rule.priority} ${renderTemplate(rule.output, values)}`;
    for (const field of ["evt.time", ...templateFields(rule.output)]) {
      outputFields[field] = values[field] ?? NA;
    }
  }
  return {
    time: timestampFromNs(context.timeNs),
    priority: priorityToWire(rule.priority),
    sourceDeprecated: deprecatedSource(rule.source),
    rule: rule.rule,
    output,
    outputFields,
    hostname,
    tags: normalizeTags(rule.tags),
    source: rule.source,
  };
}
