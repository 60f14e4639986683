"""FalcoClient: version, get and a polling, reconnecting subscribe over Falco's gRPC outputs API."""

from typing import Iterator, Optional

import grpc
from falco import outputs_pb2, outputs_pb2_grpc, version_pb2, version_pb2_grpc

from .alert import Alert
from .backoff import Backoff
from .endpoint import Endpoint, resolve_endpoint
from .errors import ConfigurationError, FalcoError, FalcoUnavailableError
from .tls import Tls


def describe_rpc_error(endpoint: Endpoint, error: grpc.RpcError) -> FalcoError:
    """A FalcoError naming the endpoint and what to check, for a failed call."""
    code = error.code() if hasattr(error, "code") else None
    details = error.details() if hasattr(error, "details") else str(error)
    if code == grpc.StatusCode.UNAVAILABLE:
        hint = (
            "check that Falco runs with grpc.enabled and grpc_output.enabled and this bind_address"
            + (", and that this process may open the socket (often root-only)" if endpoint.is_unix
               else ", and that the CA, client certificate and server name match Falco's")
        )
        return FalcoUnavailableError(f"cannot reach Falco at {endpoint.text}: {details}; {hint}")
    if code == grpc.StatusCode.DEADLINE_EXCEEDED:
        return FalcoUnavailableError(f"Falco at {endpoint.text} did not answer in time ({details})")
    name = code.name if code is not None else "UNKNOWN"
    return FalcoError(f"call to Falco at {endpoint.text} failed: {name}: {details}")


class FalcoClient:
    """A client of one Falco (0.24 to 0.43.x gRPC output).

    endpoint: `unix:///path` or `host:port`; default Falco's socket
    /run/falco/falco.sock, or /var/run/falco.sock when only that exists.
    tls: required for host:port (Falco's TCP listener is always mutual TLS).
    poll_interval_ms: how often `subscribe` asks Falco for alerts (default 100;
    at once again while alerts keep coming). max_buffered_alerts: received
    alerts waiting for the consumer before polling pauses (default 1000).
    backoff: reconnection delays of `subscribe` (default Backoff()).
    timeout_ms: deadline of `version` and of `get` (default 5000).

    Use it as a context manager, or call close().
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        *,
        tls: Optional[Tls] = None,
        poll_interval_ms: float = 100,
        max_buffered_alerts: int = 1000,
        backoff: Backoff = Backoff(),
        timeout_ms: float = 5000,
    ) -> None:
        self.endpoint = resolve_endpoint(endpoint)
        if self.endpoint.is_unix and tls is not None:
            raise ConfigurationError(
                f"{self.endpoint.text} is a unix socket: Falco serves it in plaintext; drop tls"
            )
        if not self.endpoint.is_unix and tls is None:
            raise ConfigurationError(
                f"{self.endpoint.text} is TCP, where Falco always requires mutual TLS: "
                "pass tls=Tls(ca=..., cert=..., key=...)"
            )
        if poll_interval_ms <= 0 or max_buffered_alerts < 1:
            raise ConfigurationError("poll_interval_ms must be > 0 and max_buffered_alerts >= 1")
        self._tls = tls.load() if tls is not None else None
        self._server_name = tls.server_name if tls is not None else None
        self.poll_interval_ms = poll_interval_ms
        self.max_buffered_alerts = max_buffered_alerts
        self.backoff = backoff
        self.timeout_ms = timeout_ms
        self._channel: Optional[grpc.Channel] = None

    def new_channel(self) -> grpc.Channel:
        """A fresh channel to Falco. No keepalive pings: Falco's server kills
        connections that ping more than once per 5 minutes while idle."""
        if self._tls is None:
            return grpc.insecure_channel(self.endpoint.target)
        ca, cert, key = self._tls
        credentials = grpc.ssl_channel_credentials(ca, key, cert)
        options = [("grpc.ssl_target_name_override", self._server_name)]
        return grpc.secure_channel(self.endpoint.target, credentials, options)

    def _shared_channel(self) -> grpc.Channel:
        if self._channel is None:
            self._channel = self.new_channel()
        return self._channel

    def version(self) -> version_pb2.response:
        """Falco's version answer (falco.version.response)."""
        stub = version_pb2_grpc.serviceStub(self._shared_channel())
        try:
            return stub.version(version_pb2.request(), timeout=self.timeout_ms / 1000)
        except grpc.RpcError as error:
            raise describe_rpc_error(self.endpoint, error) from None

    def get(self) -> Iterator[Alert]:
        """The alerts queued in Falco now (drained: each goes to one consumer only); then ends."""
        stub = outputs_pb2_grpc.serviceStub(self._shared_channel())
        call = stub.get(outputs_pb2.request(), timeout=self.timeout_ms / 1000)
        try:
            for message in call:
                yield Alert.from_response(message)
        except grpc.RpcError as error:
            raise describe_rpc_error(self.endpoint, error) from None
        finally:
            call.cancel()

    def subscribe(self) -> "Subscription":
        """Every alert from now on, polling and reconnecting; see Subscription."""
        from .subscription import Subscription

        return Subscription(self)

    def close(self) -> None:
        """Closes the shared channel (calls on it are cancelled)."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def __enter__(self) -> "FalcoClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
