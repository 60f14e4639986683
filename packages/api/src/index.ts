export { type AlertApi, createAlertApi } from "./alert-api.js";
export { ApiConfigurationError, ApiListenError, BadParameterError } from "./api-errors.js";
export type { AlertApiOptions } from "./api-options.js";
export {
  type AlertApiServer,
  type AlertApiServerOptions,
  type AlertApiTls,
  createAlertApiServer,
  isLoopbackHost,
} from "./api-server.js";
export type { AlertApiStats } from "./api-stats.js";
