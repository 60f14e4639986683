import { startCCoreFalcoServer } from "./ccore-server.js";
import type { FalcoServer, ListenOptions } from "./falco-server.js";
import { createFalcoTestServer } from "./node-server.js";

/** Starts one implementation of {@link FalcoServer}; the shared semantics checks run against each. */
export interface ServerFactory {
  /** Shown in test names. */
  readonly name: string;
  /** Starts a server listening on `listen`; rejects for listen options the server refuses. */
  start(listen: ListenOptions, options?: { readonly threadiness?: number }): Promise<FalcoServer>;
}

/**
 * Every FalcoServer implementation that `falco-server-semantics.spec.ts`
 * checks. Append a factory to run the same checks against another server.
 */
export const serverFactories: ServerFactory[] = [
  {
    name: "node (connect-node)",
    start: (listen, options) => createFalcoTestServer({ listen, ...options }),
  },
  {
    name: "C core (grpcio 1.51)",
    start: (listen, options) => startCCoreFalcoServer({ listen, ...options }),
  },
];
