/** What an API counted since it was created, from `stats()` and `GET /api/v1/stats` (`api`). */
export interface AlertApiStats {
  /** Requests answered (every route, every status). */
  readonly requests: number;
  /** Requests refused with 400: a malformed query parameter or header. */
  readonly badRequests: number;
  /** Requests refused with 401: no or wrong credentials. */
  readonly unauthorized: number;
  /** Requests for an unknown path (404) or with a method other than GET (405). */
  readonly unknownRoutes: number;
  /** Requests that failed inside the server (500, 503). */
  readonly failures: number;
  /** Streams (`/api/v1/alerts/stream`) open now. */
  readonly streamsOpen: number;
  /** Streams opened since the start. */
  readonly streamsOpened: number;
  /** Alerts written to streams. */
  readonly streamedAlerts: number;
  /** `gap` events written to streams. */
  readonly gaps: number;
  /** Streams disconnected because their client did not read for `stuckTimeoutMs`. */
  readonly slowDisconnects: number;
  /** Alerts written by exports (`/api/v1/alerts/export`). */
  readonly exportedAlerts: number;
}

/** The mutable counters behind {@link AlertApiStats}. */
export class ApiCounters {
  requests = 0;
  badRequests = 0;
  unauthorized = 0;
  unknownRoutes = 0;
  failures = 0;
  streamsOpen = 0;
  streamsOpened = 0;
  streamedAlerts = 0;
  gaps = 0;
  slowDisconnects = 0;
  exportedAlerts = 0;

  snapshot(): AlertApiStats {
    return { ...this };
  }
}
