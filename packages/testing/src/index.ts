/**
 * `@falco-sdk/testing`: everything of its subpaths in one import, for convenience.
 * Import a subpath to load only what a test needs: `@falco-sdk/testing/servers`,
 * `/fixtures`, `/pki` (loads `reflect-metadata`), `/nats`, `/launcher`.
 *
 * @packageDocumentation
 */
export * from "./fixtures/index.js";
export * from "./launcher/index.js";
export * from "./nats/index.js";
export * from "./pki/index.js";
export * from "./servers/index.js";
