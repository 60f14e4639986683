/**
 * Plumbing shared by `@falco-sdk/relay` and `@falco-sdk/testing`: not public
 * API. It may change in any release; depend on the main entry point instead.
 *
 * @packageDocumentation
 */
export { abortable, untilAborted } from "./abortable.js";
