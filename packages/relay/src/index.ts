export { claimSocketPath, ListenError, SocketInUseError } from "@falco-sdk/grpc-server";
export { responseFromAlert, type VersionInit } from "@falco-sdk/proto";
export {
  type AlertRelay,
  createAlertRelay,
  type RelayListener,
} from "./alert-relay.js";
export { JOURNAL_ROTATE_BYTES } from "./intake-journal.js";
export { JOURNAL_CHECKPOINT } from "./journal-replay.js";
export type { RelaySubscribeOptions } from "./local-subscription.js";
export { RelayClosedError, RelayStoreError } from "./relay-errors.js";
export { RelayJournalError } from "./relay-journal-error.js";
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
  RelayJournalStats,
  RelayStats,
  RelayStoreStats,
  SourceStats,
  SubscriberStats,
} from "./relay-stats.js";
export type { RelayStatus, SubscriberKind } from "./relay-status.js";
export { RELAY_VERSION } from "./upstream-version.js";
