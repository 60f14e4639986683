/**
 * `@falco-sdk/testing/pki`: a throwaway mutual-TLS PKI (CA, server, client, and a rogue CA
 * and client), in memory or written to files. Loads `reflect-metadata` for `@peculiar/x509`
 * (a side effect: the package's `sideEffects` lists this module).
 *
 * @packageDocumentation
 */
export type { TlsMaterial } from "../servers/falco-server.js";
export type { TestPki, TestPkiFiles, TestPkiKeyAlgorithm, TestPkiOptions } from "./pki.js";
export { createTestPki, writeTestPki } from "./pki.js";
