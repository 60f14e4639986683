"""Mutual TLS material for Falco's TCP listener (its only TCP mode)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Tuple, Union

from .errors import ConfigurationError

Pem = Union[bytes, str, Path]
"""PEM contents (bytes) or the path of a PEM file (str or Path)."""


def _read(name: str, value: Pem) -> bytes:
    if isinstance(value, bytes):
        return value
    try:
        return Path(value).read_bytes()
    except OSError as error:
        raise ConfigurationError(f"cannot read the {name} file {value}: {error.strerror}") from error


@dataclass(frozen=True)
class TLS:
    """Falco's `root_certs` CA (ca), and this client's certificate and key (cert, key).

    server_name: the name checked in Falco's certificate, whatever host is
    dialled (Falco's docs make certificates for CN=localhost). Default "localhost".
    """

    ca: Pem
    cert: Optional[Pem] = None
    key: Optional[Pem] = None
    server_name: str = "localhost"

    def load(self) -> Tuple[bytes, bytes, bytes]:
        """(ca, cert, key) as PEM bytes; ConfigurationError names an unreadable file, and a
        missing client certificate (Falco's TCP listener always requires one)."""
        if self.cert is None or self.key is None:
            raise ConfigurationError(
                "Falco's TCP listener always requires mutual TLS: pass the client certificate and "
                "key signed by the CA in Falco's grpc root_certs, TLS(ca=..., cert=..., key=...)"
            )
        return _read("ca", self.ca), _read("cert", self.cert), _read("key", self.key)
