export { type AlertUi, type AlertUiOptions, createAlertUi } from "./alert-ui.js";
export { LOGIN_TOKENS_FILE } from "./login-tokens.js";
export { CONTENT_SECURITY_POLICY } from "./security-headers.js";
export {
  type AlertUiServer,
  type AlertUiServerOptions,
  createAlertUiServer,
  isLoopback,
} from "./ui-server.js";
