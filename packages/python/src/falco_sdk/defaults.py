"""The defaults every falco-sdk client shares (TypeScript's resolve-options.ts), in seconds."""

MAX_BUFFERED_ALERTS = 256
"""Alerts received and not yet taken by the consumer before `subscribe` stops polling."""

POLL_INTERVAL = 0.1
"""Seconds between two polls of `sub` (at once again while alerts keep coming)."""

LIVENESS_TIMEOUT = 30.0
"""Seconds within which a hung Falco is detected: a silent stream is checked with a `version`
call every LIVENESS_TIMEOUT / 4 seconds, which must answer within LIVENESS_TIMEOUT / 2."""

AFTER_GOAWAY_LIMIT = 4096
"""What may still arrive after Falco's GOAWAY beyond the usual limit (its current write plus
what fits in the 64 KiB HTTP/2 window): bounds memory against a server that keeps writing."""
