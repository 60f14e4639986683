/**
 * `@falco-sdk/noise/internal`: plumbing shared with `@falco-sdk/cli` (the terminal colours of
 * the noise table, which the CLI's other output uses too). Not public API: it may change in any
 * release, without a changeset entry or a major version.
 *
 * @packageDocumentation
 */
export { paint, paintPriority, type TextFormat } from "./text-style.js";
