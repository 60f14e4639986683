"""A `sub` stream that polls, cancels (never half-closes) and reconnects."""

import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Optional

import grpc
from falco import outputs_pb2, outputs_pb2_grpc

from .alert import Alert
from .client import describe_rpc_error
from .errors import FalcoUnavailableError

if TYPE_CHECKING:
    from .client import FalcoClient

_POLL = outputs_pb2.request()


@dataclass
class SubscriptionStatus:
    """What a subscription went through. `interruptions`: streams that broke
    (Falco pops an alert before writing it, so each may have lost alerts in
    flight); `falco_stops`: streams Falco ended with OK (its stop or reload)."""

    connected: bool = False
    received: int = 0
    reconnects: int = 0
    interruptions: int = 0
    falco_stops: int = 0
    last_error: Optional[str] = None


class _End:
    def __init__(self, error: Optional[grpc.RpcError]) -> None:
        self.error = error


class _Stream:
    """One `sub` call: a reader thread, a poller thread and a bounded queue."""

    def __init__(self, client: "FalcoClient", closed: threading.Event) -> None:
        self._client = client
        self._closed = closed
        self._done = threading.Event()
        self._requests: "queue.Queue[Any]" = queue.Queue()
        self._pending = False
        self._cancelled = False
        self._lock = threading.Lock()
        self.alerts: "queue.Queue[Any]" = queue.Queue()
        self.channel = client.new_channel()
        stub = outputs_pb2_grpc.serviceStub(self.channel)
        # The request iterator only ends after the call was cancelled: ending it
        # first would half-close, and Falco answers a half-close with nothing.
        self.call = stub.sub(iter(self._next_request, None))
        self._hard_limit = client.max_buffered_alerts * 4
        self._room = threading.Condition(self._lock)
        threading.Thread(target=self._read, daemon=True, name="falco-sub-reader").start()
        threading.Thread(target=self._poll_loop, daemon=True, name="falco-sub-poller").start()

    def _next_request(self) -> Any:
        item = self._requests.get()
        with self._lock:
            self._pending = False
        return item

    def poll(self) -> None:
        """Asks Falco to drain its queue once, unless a poll is unsent or the consumer lags."""
        with self._lock:
            if self._pending or self._done.is_set():
                return
            if self.alerts.qsize() >= self._client.max_buffered_alerts:
                return
            self._pending = True
        self._requests.put(_POLL)

    def _poll_loop(self) -> None:
        interval = self._client.poll_interval_ms / 1000
        self.poll()
        while not self._done.wait(interval):
            self.poll()

    def _read(self) -> None:
        error: Optional[grpc.RpcError] = None
        try:
            for message in self.call:
                with self._room:
                    # Past 4 x max_buffered_alerts stop reading: HTTP/2 flow
                    # control then holds Falco's drain until the consumer catches up.
                    while self.alerts.qsize() >= self._hard_limit and not self._done.is_set():
                        self._room.wait()
                self.alerts.put(message)
                self.poll()  # alerts flow: ask again at once
        except grpc.RpcError as e:
            error = e
        self.alerts.put(_End(error))

    def taken(self) -> None:
        """The consumer took an alert: maybe room to read and poll again."""
        with self._room:
            self._room.notify_all()
        if self.alerts.qsize() == self._client.max_buffered_alerts - 1:
            self.poll()

    def cancel(self) -> None:
        """Ends the call with RST_STREAM (CANCELLED), then lets the threads go.
        Once: a second cancel would touch a call and channel already closed."""
        with self._lock:
            if self._cancelled:
                return
            self._cancelled = True
        self._done.set()
        self.call.cancel()
        self._requests.put(None)
        with self._room:
            self._room.notify_all()
        self.channel.close()


class Subscription:
    """Alerts from Falco's `sub`, as an iterator. Polls every
    `poll_interval_ms` (and at once while alerts keep coming), ends calls by
    cancelling them, and reconnects with backoff and jitter after a break or
    after Falco's stop or reload (which end the stream with OK). `close()` (or
    leaving a `with` block) ends it; iteration then stops. Raises
    FalcoUnavailableError when `backoff.max_attempts` consecutive attempts failed.
    """

    def __init__(self, client: "FalcoClient") -> None:
        self._client = client
        self._closed = threading.Event()
        self._stream: Optional[_Stream] = None
        self._lock = threading.Lock()
        self.status = SubscriptionStatus()
        self._iterator = self._run()

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
            stream.cancel()
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

    def _run(self) -> Iterator[Alert]:
        failures = 0
        while not self._closed.is_set():
            with self._lock:
                if self._closed.is_set():
                    return
                stream = self._stream = _Stream(self._client, self._closed)
            established = False
            try:
                while True:
                    item = stream.alerts.get()
                    if isinstance(item, _End):
                        break
                    stream.taken()
                    established = True
                    failures = 0
                    self.status.connected = True
                    self.status.received += 1
                    yield Alert.from_response(item)
            finally:
                stream.cancel()
                self.status.connected = False
            if self._closed.is_set():
                return
            if item.error is None:
                self.status.falco_stops += 1  # Falco stopping or reloading
                failures = 0
            else:
                self.status.last_error = str(describe_rpc_error(self._client.endpoint, item.error))
                if established:
                    self.status.interruptions += 1
                else:
                    failures += 1
            delay = self._client.backoff.delay_ms(max(failures, 1))
            if delay is None:
                raise FalcoUnavailableError(
                    f"gave up after {failures} failed attempts: {self.status.last_error}"
                )
            if self._closed.wait(delay / 1000):
                return
            self.status.reconnects += 1
