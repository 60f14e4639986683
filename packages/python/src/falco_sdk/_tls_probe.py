"""Why a mutual-TLS connection to Falco failed: grpc's message alone cannot tell a refused client
certificate from a closed socket, so a failed connection is retried once with Python's `ssl`."""

import os
import socket
import ssl
import tempfile
from typing import Optional, Tuple

from .errors import TLSError

_ADVICE = {
    "ca-untrusted": "Falco's certificate is not signed by the CA you gave (TLS(ca=...)): pass the CA "
    "that signed Falco's cert_chain",
    "name-mismatch": "Falco's certificate does not name TLS(server_name=...): set server_name to a name "
    'in the certificate (Falco\'s docs issue it for "localhost")',
    "client-cert-refused": "Falco refused the TLS handshake: it requires a client certificate "
    "(TLS(cert=..., key=...)) signed by the CA in its grpc root_certs",
    "handshake": "the TLS handshake failed: check that the endpoint is Falco's TLS port and the certificates",
}
_REFUSED = ("CERTIFICATE_REQUIRED", "UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN", "HANDSHAKE_FAILURE")


def tls_error(reason: str, endpoint: str, detail: str) -> TLSError:
    return TLSError(reason, f"{_ADVICE[reason]} (Falco at {endpoint}: {detail})")


def diagnose(target: str, material: Tuple[bytes, bytes, bytes], server_name: str, timeout: float) -> Optional[str]:
    """The TLS failure reason of a handshake with `target` (host:port), or None when it succeeds."""
    host, _, port = target.rpartition(":")
    ca, cert, key = material
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=ca.decode("ascii", "replace"))
    context.set_alpn_protocols(["h2"])
    with tempfile.TemporaryDirectory() as scratch:  # load_cert_chain reads files only
        paths = [os.path.join(scratch, name) for name in ("cert.pem", "key.pem")]
        for path, pem in zip(paths, (cert, key)):
            with open(path, "wb") as file:
                file.write(pem)
        context.load_cert_chain(*paths)
    handshake_done = False
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=server_name) as tls:
                handshake_done = True
                # TLS 1.3: the server checks the client certificate after the handshake. A
                # server that accepted it speaks first (HTTP/2's SETTINGS); one that refused it
                # sends an alert, or just hangs up, unasked.
                if tls.recv(1):
                    return None
                return "client-cert-refused"
    except ssl.SSLCertVerificationError as error:
        return "name-mismatch" if error.verify_code == 62 else "ca-untrusted"
    except ssl.SSLError as error:
        text = f"{error.reason} {error}".upper()
        return "client-cert-refused" if any(alert in text for alert in _REFUSED) else "handshake"
    except (ConnectionResetError, BrokenPipeError):
        return "client-cert-refused" if handshake_done else None
    except (OSError, ValueError):
        return None  # not a TLS failure (refused, timeout): grpc's error says more
