// The loopback test of the API server, so that `falco-alerts ui` checks --listen the same way.
export { isLoopbackHost } from "@falco-sdk/api";
export { type AlertUi, type AlertUiOptions, createAlertUi } from "./alert-ui.js";
export { UI_FACET_FIELDS } from "./facet-fields.js";
export { LOGIN_TOKENS_FILE } from "./login-tokens.js";
export { CONTENT_SECURITY_POLICY } from "./security-headers.js";
export {
  type AlertUiServer,
  type AlertUiServerOptions,
  createAlertUiServer,
} from "./ui-server.js";
