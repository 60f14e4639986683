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


class TLSError(FalcoUnavailableError):
    """The mutual-TLS handshake with Falco failed; `reason` says which side is wrong:
    "ca-untrusted" (Falco's certificate is not signed by `TLS(ca=...)`), "name-mismatch" (it does
    not name `TLS(server_name=...)`), "client-cert-refused" (Falco refused `TLS(cert=...)`: not
    signed by a CA in its grpc root_certs), or "handshake" (another TLS failure)."""

    code = "tls"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class LivenessError(FalcoConnectionError):
    """Falco did not answer a liveness check (a `version` call) in time: it is hung or unreachable."""

    code = "connection"


class SubscriptionStarvedError(FalcoError):
    """Falco accepted the `sub` call but does not serve it: its `sub` slots (grpc.threadiness x 10)
    are held by other calls. The subscription delivers Falco's queue with `get` meanwhile."""

    code = "sub-slots-full"
