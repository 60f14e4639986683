import type { PriorityName } from "./falco-output-format.js";
import type { Prng } from "./prng.js";

/** Where a syscall alert happened: a Kubernetes pod, a plain container, or the host. */
export interface Workload {
  readonly containerId: string;
  readonly containerName: string;
  readonly imageRepository: string | null;
  readonly imageTag: string | null;
  readonly namespace: string | null;
  readonly pod: string | null;
}

/** What a fixture rule's field generator gets for one alert. */
export interface FixtureContext {
  /** The generator's seeded random source (use only this, for determinism). */
  readonly random: Prng;
  /** The workload of this alert (syscall rules). */
  readonly workload: Workload;
  /** The event time in epoch nanoseconds. */
  readonly timeNs: bigint;
}

/** One rule a fixture alert can come from, modelled on Falco's default rules and plugins. */
export interface FixtureRule {
  /** Rule name (`response.rule`). */
  readonly rule: string;
  readonly priority: PriorityName;
  /** `syscall`, `k8s_audit`, `internal`, or a plugin's source (`aws_cloudtrail`, `okta`, ...). */
  readonly source: string;
  /** Tags as written in the rule (sent sorted and de-duplicated). */
  readonly tags: readonly string[];
  /**
   * The rule's output template: `%field` placeholders. For internal rules, the
   * message only (Falco appends the fields as `(k=v ...)`).
   */
  readonly output: string;
  /** Values of the template's fields for one alert (`null` sends `<NA>`). */
  readonly fields: (context: FixtureContext) => Record<string, string | null>;
  /**
   * The rule only matches inside containers: never drawn with a host workload.
   * @default false
   */
  readonly containerOnly?: boolean;
  /**
   * Relative frequency in generated streams.
   * @default 1
   */
  readonly weight?: number;
}
