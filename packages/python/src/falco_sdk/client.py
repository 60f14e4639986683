"""FalcoClient: version, a streaming get, and a polling, reconnecting subscribe over Falco's gRPC API."""

import threading
import weakref
from typing import Callable, Generator, Optional

import grpc

from . import _rpc
from ._gen.falco import version_pb2
from .alert import Alert
from .backoff import Backoff
from .defaults import LIVENESS_TIMEOUT, MAX_BUFFERED_ALERTS, POLL_INTERVAL
from .endpoint import resolve_endpoint
from .errors import ConfigurationError
from .status import Closed, Dropped, StatusEvent, StatusFeed, StatusHub
from .subscription import Subscription
from .tls import TLS


class FalcoClient:
    """A client of one Falco (0.24 to 0.43.x gRPC output). Every duration is in seconds.

    endpoint: `unix:///path` or `host:port`; default Falco's socket
    /run/falco/falco.sock, or /var/run/falco.sock when only that exists.
    tls: required for host:port (Falco's TCP listener is always mutual TLS).
    reconnect: the delays between reconnection attempts of `subscribe` (default Backoff()),
    or None to raise at the first failure.
    wait_for_server: keep trying when the first connection of a subscription fails
    (default False: raise, naming the endpoint and what to check).
    liveness_timeout: a hung Falco is detected within this many seconds (default 30.0): a
    silent stream is checked with a `version` call every liveness_timeout / 4, which must answer
    within liveness_timeout / 2 (also the deadline of `version()`).
    on_status: called with each connection event (see falco_sdk.status), in the thread that
    iterates the subscription; `status()` gives them as an iterator too.

    Use it as a context manager, or call close().
    """

    def __init__(
        self,
        endpoint: Optional[str] = None,
        *,
        tls: Optional[TLS] = None,
        reconnect: Optional[Backoff] = Backoff(),
        wait_for_server: bool = False,
        liveness_timeout: float = LIVENESS_TIMEOUT,
        on_status: Optional[Callable[[StatusEvent], None]] = None,
    ) -> None:
        self.endpoint = resolve_endpoint(endpoint)
        if self.endpoint.is_unix and tls is not None:
            raise ConfigurationError(f"{self.endpoint.text} is a unix socket: Falco serves it in plaintext; drop tls")
        if not self.endpoint.is_unix and tls is None:
            raise ConfigurationError(
                f"{self.endpoint.text} is TCP, where Falco always requires mutual TLS: "
                "pass tls=TLS(ca=..., cert=..., key=...)"
            )
        if not liveness_timeout > 0:
            raise ConfigurationError(f"liveness_timeout must be > 0 seconds, not {liveness_timeout!r}")
        self._tls = tls.load() if tls is not None else None
        self._server_name = tls.server_name if tls is not None else "localhost"
        self.reconnect = reconnect
        self.wait_for_server = wait_for_server
        self.liveness_timeout = liveness_timeout
        self._status = StatusHub()
        if on_status is not None:
            self._status.listen(on_status)
        self._drops = 0
        self._drops_lock = threading.Lock()
        self._channel: Optional[grpc.Channel] = None
        self._subscriptions: "weakref.WeakSet[Subscription]" = weakref.WeakSet()
        self._closed = False

    def _new_channel(self) -> grpc.Channel:
        """A fresh channel to Falco. No keepalive pings: Falco's server kills
        connections that ping more than once per 5 minutes while idle."""
        if self._tls is None:
            return grpc.insecure_channel(self.endpoint.target)
        ca, cert, key = self._tls
        credentials = grpc.ssl_channel_credentials(ca, key, cert)
        options = [("grpc.ssl_target_name_override", self._server_name)]
        return grpc.secure_channel(self.endpoint.target, credentials, options)

    def _shared_channel(self) -> grpc.Channel:
        if self._closed:
            raise ConfigurationError("this FalcoClient is closed: create a new one")
        if self._channel is None:
            self._channel = self._new_channel()
        return self._channel

    def _dropped(self, count: int) -> None:
        with self._drops_lock:
            self._drops += count
            total = self._drops
        self._status.publish(Dropped(count, total))

    def _tls_settings(self) -> "Optional[_rpc.TlsSettings]":
        """What describe_rpc_error needs to name a TLS failure (None over a unix socket)."""
        if self._tls is None:
            return None
        return self._tls, self._server_name, self.liveness_timeout / 2

    def version(self) -> version_pb2.response:
        """Falco's version answer (falco.version.response), within liveness_timeout / 2 seconds."""
        try:
            return _rpc.version_call(self._shared_channel(), self.liveness_timeout / 2)
        except grpc.RpcError as error:
            raise _rpc.describe_rpc_error(self.endpoint, error, tls=self._tls_settings()) from None

    def get(self) -> Generator[Alert, None, None]:
        """The alerts queued in Falco now (drained: each goes to one consumer only), read one at a
        time as the iterator advances (HTTP/2 flow control holds Falco's drain meanwhile); ends
        when the queue is drained. Closing the iterator cancels the call."""
        call = _rpc.get_call(self._shared_channel())
        try:
            for message in call:
                yield Alert.from_response(message)
        except grpc.RpcError as error:
            if not self._closed:
                raise _rpc.describe_rpc_error(self.endpoint, error, tls=self._tls_settings()) from None
        finally:
            call.cancel()

    def subscribe(
        self, *, poll_interval: float = POLL_INTERVAL, max_buffered_alerts: int = MAX_BUFFERED_ALERTS
    ) -> Subscription:
        """Every alert from now on, polling and reconnecting; see Subscription.

        poll_interval: seconds between polls of Falco's `sub` (default 0.1; at once again while
        alerts keep coming). max_buffered_alerts: alerts received and not yet taken before
        polling pauses (default 256; at 4x reading pauses too)."""
        if not poll_interval > 0 or max_buffered_alerts < 1:
            raise ConfigurationError("poll_interval must be > 0 seconds and max_buffered_alerts >= 1")
        if self._closed:
            raise ConfigurationError("this FalcoClient is closed: create a new one")
        subscription = Subscription(self, poll_interval, max_buffered_alerts)
        self._subscriptions.add(subscription)
        return subscription

    def status(self) -> StatusFeed:
        """Connection events from now on, as an iterator that ends after `close()`'s `closed`."""
        return self._status.feed()

    def close(self) -> None:
        """Ends every subscription and call, closes the channels, and publishes `closed`."""
        if self._closed:
            return
        self._closed = True
        for subscription in list(self._subscriptions):
            subscription.close()
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        self._status.publish(Closed())

    def __enter__(self) -> "FalcoClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
