// @falco-sdk/core/internal: plumbing shared by the @falco-sdk packages. Not public API: it may
// change in any release, without a changeset entry or a major version.
export { linkedAbortController } from "./abort.js";
export {
  BoundedFanout,
  type FanoutSubscribeOptions,
  FanoutSubscription,
} from "./bounded-fanout.js";
export { EventHub } from "./event-hub.js";
export { parseJsonExact, stringifyJsonExact } from "./exact-json.js";
