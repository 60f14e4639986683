import type { Priority } from "./priority.js";

/**
 * A value in `outputFields`: gRPC sends strings only, JSON keeps its types.
 * Integers are exact: one beyond `Number.MAX_SAFE_INTEGER` (Falco's `evt.time`,
 * 1651447772918828894, is one) is a `bigint`, a smaller one a `number`.
 */
export type OutputFieldValue = string | number | bigint | boolean | null;

/**
 * One Falco alert, the same whichever way it arrived: the gRPC output API
 * (`@falco-sdk/client`), Falco's JSON output (HTTP output, files, stdout,
 * Falcosidekick) parsed by `parseAlertJson`, or a text line parsed by `parseFalcoTextLine`.
 */
export interface Alert {
  /** Event time, millisecond precision (a `Date` cannot hold more). */
  readonly time: Date;
  /** Event time in exact nanoseconds since the Unix epoch. */
  readonly timeNs: bigint;
  /** Falco's priority name, e.g. `"Warning"`. Compare with `comparePriority` / `isAtLeast`. */
  readonly priority: Priority;
  /** Name of the rule that matched, e.g. `"Terminal shell in container"`. */
  readonly rule: string;
  /** The formatted alert line (the whole JSON document when Falco runs with json_output over gRPC). */
  readonly output: string;
  /**
   * Fields named in the rule's output, e.g. `"container.id"`. Over gRPC every
   * value is a string (`"1000"`, `"<NA>"`); from JSON values keep their types.
   */
  readonly outputFields: Readonly<Record<string, OutputFieldValue>>;
  /** Host that raised the alert; `""` when the sender did not say (Falco < 0.19). */
  readonly hostname: string;
  /** Tags of the rule; empty when the sender did not say (Falco < 0.30). */
  readonly tags: readonly string[];
  /**
   * Event source: `"syscall"`, `"k8s_audit"`, `"internal"`, or a plugin's
   * source name such as `"aws_cloudtrail"`. From Falco < 0.31 over gRPC only the
   * enum exists, so plugins read as `"plugin"`.
   */
  readonly source: string;
  /** What the alert was built from, for anyone who needs a field this model does not carry. */
  readonly raw: AlertRaw;
}

/**
 * The kinds of message an Alert can be built from, by `raw.kind`. A package that builds alerts
 * from another message adds its kind by declaration merging (`@falco-sdk/proto` adds
 * `grpc: { readonly kind: "grpc"; readonly message: response }`), so the core needs none of
 * its types.
 */
export interface AlertRawKinds {
  /** Built by `parseAlertJson` from Falco's JSON: the parsed document (integers beyond 2^53 as `bigint`). */
  json: { readonly kind: "json"; readonly document: Readonly<Record<string, unknown>> };
  /** Built by `parseFalcoTextLine` from a text output line: the line as given. */
  text: { readonly kind: "text"; readonly line: string };
}

/** The message an Alert was built from; narrow it with `raw.kind`. */
export type AlertRaw = AlertRawKinds[keyof AlertRawKinds];
