"""Errors of falco_sdk: catch FalcoError, or one of its classes; each has a stable `code`."""


class FalcoError(Exception):
    """Base class of every falco_sdk error."""

    code = "falco_error"


class ConfigurationError(FalcoError):
    """The endpoint or TLS settings cannot work (unreadable endpoint, missing client certificate)."""

    code = "configuration"


class FalcoUnavailableError(FalcoError):
    """Falco could not be reached, or the call broke; the message names the endpoint and what to check."""

    code = "unavailable"


class FalcoConnectionError(FalcoUnavailableError):
    """A connection that worked ended: Falco stopped or reloaded, or the stream broke."""

    code = "connection"


class LivenessError(FalcoConnectionError):
    """Falco did not answer a liveness check (a `version` call) in time: it is hung or unreachable."""

    code = "connection"


class SubscriptionStarvedError(FalcoError):
    """Falco accepted the `sub` call but does not serve it: its `sub` slots (grpc.threadiness x 10)
    are held by other calls. The subscription delivers Falco's queue with `get` meanwhile."""

    code = "sub-slots-full"
