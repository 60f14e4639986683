export {
  DEFAULT_HOST,
  type Http2Listener,
  type ListenHooks,
  listenHttp2,
} from "./http2-listener.js";
export { ListenError, SocketInUseError } from "./listen-error.js";
export type {
  ListenOptions,
  PlaintextListenOptions,
  TlsListenOptions,
  TlsMaterial,
  UnixListenOptions,
} from "./listen-options.js";
export type { PingPolicyOptions } from "./ping-policy.js";
export {
  guardRequests,
  type RejectionListener,
  type RejectionReason,
  type RequestHandler,
  type RequestRejection,
} from "./request-guard.js";
export {
  claimSocketPath,
  releaseSocketPath,
  type SocketFileIdentity,
  socketFileIdentity,
} from "./unix-socket-path.js";
