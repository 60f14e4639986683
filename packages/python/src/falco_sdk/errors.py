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
