"""Where Falco listens: `unix:///path` (plaintext) or `host:port` (mutual TLS, Falco's only TCP mode)."""

import os
import re
from dataclasses import dataclass
from typing import Optional, Tuple

from .errors import ConfigurationError

DEFAULT_SOCKET_PATH = "/run/falco/falco.sock"
"""Falco's default `grpc.bind_address` since 0.33."""
LEGACY_SOCKET_PATH = "/var/run/falco.sock"
"""Falco's default `grpc.bind_address` before 0.33."""

_HOST_PORT = re.compile(r"^(?:\[([0-9a-fA-F:.]+)\]|([^:/\[\]]+)):(\d{1,5})$")


@dataclass(frozen=True)
class Endpoint:
    """A parsed endpoint: `target` is what gRPC dials, `text` what messages show."""

    text: str
    target: str
    unix_path: Optional[str]
    tried: Tuple[str, ...]

    @property
    def is_unix(self) -> bool:
        return self.unix_path is not None


def resolve_endpoint(endpoint: Optional[str] = None) -> Endpoint:
    """Parses `unix:///path` (or an absolute path) and `host:port` / `https://host:port`.

    None or "" means Falco's default socket, falling back to the pre-0.33 path
    when only that one exists. Raises ConfigurationError for anything else,
    including `http://` (Falco never serves plaintext TCP).
    """
    if not endpoint:
        path = DEFAULT_SOCKET_PATH
        if not os.path.exists(DEFAULT_SOCKET_PATH) and os.path.exists(LEGACY_SOCKET_PATH):
            path = LEGACY_SOCKET_PATH
        return Endpoint(f"unix://{path}", f"unix://{path}", path, (DEFAULT_SOCKET_PATH, LEGACY_SOCKET_PATH))
    text = endpoint.strip()
    if text.startswith("unix:") or text.startswith("/"):
        path = re.sub(r"^unix:(//)?", "", text)
        if not path.startswith("/"):
            raise ConfigurationError(
                f"unix endpoint {endpoint} needs an absolute path, e.g. unix:///run/falco/falco.sock"
            )
        return Endpoint(f"unix://{path}", f"unix://{path}", path, (path,))
    if text.startswith("http://"):
        raise ConfigurationError(
            f"{endpoint} is plaintext TCP, which Falco never serves: its TCP listener always "
            "requires mutual TLS. Use host:port with TLS(ca=..., cert=..., key=...)."
        )
    rest = text[len("https://"):] if text.startswith("https://") else text
    m = _HOST_PORT.match(rest.rstrip("/"))
    if not m or not 1 <= int(m.group(3)) <= 65535:
        raise ConfigurationError(
            f"cannot read endpoint {endpoint!r}: use unix:///path/to/falco.sock or host:port"
        )
    host = m.group(1) or m.group(2)
    target = f"[{host}]:{m.group(3)}" if m.group(1) else f"{host}:{m.group(3)}"
    return Endpoint(target, target, None, (target,))
