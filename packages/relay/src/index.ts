export { claimSocketPath, ListenError, SocketInUseError } from "@falco-sdk/grpc-server";
export { responseFromAlert, type VersionInit } from "@falco-sdk/proto";
export {
  type AlertRelay,
  createAlertRelay,
  type RelayListener,
} from "./alert-relay.js";
export type { RelaySubscribeOptions } from "./local-subscription.js";
export { RelayClosedError, RelayStoreError } from "./relay-errors.js";
export { DEFAULT_SOCKET_MODE } from "./relay-listener.js";
export type {
  AlertRelayOptions,
  RelayListenOptions,
  RelaySource,
  RelayUnixListenOptions,
} from "./relay-options.js";
export {
  RELAY_POLL_INTERVAL_MS,
  relaySourceFromClient,
  relaySourceFromReceiver,
} from "./relay-sources.js";
export type {
  RelayStats,
  RelayStoreStats,
  SourceStats,
  SubscriberStats,
} from "./relay-stats.js";
export type { RelayStatus, SubscriberKind } from "./relay-status.js";
export { RELAY_VERSION } from "./upstream-version.js";
