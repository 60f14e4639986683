export type {
  AlertInit,
  FalcoServer,
  ListenOptions,
  ServerStats,
  TlsMaterial,
  VersionInit,
} from "./falco-server.js";
export type {
  TestPki,
  TestPkiFiles,
  TestPkiKeyAlgorithm,
  TestPkiOptions,
} from "./pki.js";
export { createTestPki, writeTestPki } from "./pki.js";
