"""Subscription: alerts from Falco's `sub`, as an iterator that polls and reconnects."""

import threading
from typing import TYPE_CHECKING, Generator, Iterator, Optional

import grpc

from . import _rpc
from ._buffer import StarvedMarker, StreamEnd
from ._stream import SubStream
from .alert import Alert
from .errors import FalcoConnectionError, FalcoError, SubscriptionStarvedError
from .status import Connected, Connecting, Disconnected, Reconnecting, Starved

if TYPE_CHECKING:
    from .client import FalcoClient


class Subscription:
    """Alerts from Falco's `sub`, as an iterator; every connection event goes to the client's
    status (`on_status`, `status()`).

    Polls every `poll_interval` seconds (and at once while alerts keep coming), ends calls by
    cancelling them, and reconnects with backoff after a break, a hung Falco (liveness), and
    Falco's stop or reload. `close()` (or leaving a `with` block) ends it; iteration then stops.
    Raises the last FalcoError when the first connection fails (unless the client has
    `wait_for_server=True`), when reconnecting is off, or when `max_attempts` attempts failed.
    """

    def __init__(self, client: "FalcoClient", poll_interval: float, max_buffered_alerts: int) -> None:
        self._client = client
        self._poll_interval = poll_interval
        self._max_buffered = max_buffered_alerts
        self._closed = threading.Event()
        self._stream: Optional[SubStream] = None
        self._lock = threading.Lock()
        self._iterator = self._run()

    @property
    def pending(self) -> int:
        """Alerts received from Falco and not yet handed over; `close()` drops them (`dropped`)."""
        stream = self._stream
        return stream.buffer.size if stream is not None else 0

    def __iter__(self) -> Iterator[Alert]:
        return self

    def __next__(self) -> Alert:
        return next(self._iterator)

    def close(self) -> None:
        """Cancels the call and stops reconnecting; safe from any thread, idempotent."""
        self._closed.set()
        with self._lock:
            stream = self._stream
        if stream is not None:
            stream.close(self._client._dropped)
        # Finish the generator now, not in the garbage collector, which may run
        # its clean-up on any thread at any time.
        try:
            self._iterator.close()
        except ValueError:
            pass  # it is running on another thread: it sees _closed and ends

    def __enter__(self) -> "Subscription":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _run(self) -> Generator[Alert, None, None]:
        client = self._client
        publish = client._status.publish
        endpoint = client.endpoint.text
        attempt = 0
        ever_connected = False
        while not self._closed.is_set():
            publish(Connecting(endpoint))
            channel = client._new_channel()
            streaming = False
            end: Optional[StreamEnd] = None
            failure: FalcoError
            try:
                try:
                    _rpc.version_call(channel, client.liveness_timeout / 2)
                except grpc.RpcError as error:
                    failure = _rpc.describe_rpc_error(client.endpoint, error, tls=client._tls_settings())
                else:
                    ever_connected = True
                    attempt = 0
                    publish(Connected(endpoint))
                    streaming = True
                    end = yield from self._stream_alerts(channel)
                    if end.error is not None:
                        failure = end.error
                    else:
                        failure = FalcoConnectionError(
                            f"Falco at {endpoint} ended the alert stream "
                            "(it is stopping, or reloading its rules or configuration)"
                        )
            finally:
                with self._lock:
                    stream, self._stream = self._stream, None
                if stream is not None:
                    stream.close(client._dropped)
                channel.close()
            if self._closed.is_set():
                return
            lost = streaming and (end is None or end.alerts_may_have_been_lost)
            publish(Disconnected(failure, lost))
            if self._closed.is_set():
                return  # closed by an on_status callback
            backoff = client.reconnect
            if backoff is None or (not ever_connected and not client.wait_for_server):
                raise failure
            attempt += 1
            delay = backoff.delay(attempt)
            if delay is None:
                raise type(failure)(f"gave up after {attempt} failed attempts: {failure}") from failure
            publish(Reconnecting(attempt, delay, failure))
            if self._closed.wait(delay):
                return

    def _stream_alerts(self, channel: grpc.Channel) -> Generator[Alert, None, StreamEnd]:
        client = self._client
        with self._lock:
            if self._closed.is_set():
                return StreamEnd(None, False)
            stream = self._stream = SubStream(
                channel,
                client.endpoint,
                poll_interval=self._poll_interval,
                max_buffered_alerts=self._max_buffered,
                liveness_timeout=client.liveness_timeout,
            )
        endpoint = client.endpoint.text
        while True:
            item = stream.buffer.shift()
            if isinstance(item, StreamEnd):
                return item
            if isinstance(item, StarvedMarker):
                if item.starved:
                    client._status.publish(Starved(SubscriptionStarvedError(_starved_message(endpoint))))
                else:
                    client._status.publish(Connected(endpoint))
                continue
            stream.taken()
            yield Alert.from_response(item)


def _starved_message(endpoint: str) -> str:
    return (
        f"Falco at {endpoint} accepted the alert stream but does not serve it: its sub slots "
        "(grpc.threadiness x 10) are full, often held by stale calls of crashed clients; raise "
        "grpc.threadiness in falco.yaml or restart Falco. Alerts come through get meanwhile"
    )
