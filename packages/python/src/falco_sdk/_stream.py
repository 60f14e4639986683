"""One `sub` call on its own channel: polling, Falco's stop and reload (GOAWAY), liveness and
starvation checks. Its threads feed an AlertBuffer; the subscription's generator reads it.

Falco sends nothing until polled and each poll drains its whole queue, so we poll every
`poll_interval` seconds, and again at once while alerts keep coming, but not while
`max_buffered_alerts` or more wait for the consumer: the rest stays in Falco's queue. At 4x
that we stop reading too, and HTTP/2 flow control holds Falco's drain back.

Falco's stop and reloads send GOAWAY, which moves the channel out of READY (grpcio reports it
through `channel.subscribe`). From then on we never poll again (Falco would pop an alert for
that request and discard it) and read what comes; a call silent for a grace period (Falco waits
for a request) is cancelled, which pops nothing.

A silent stream is checked with `version` calls every liveness_timeout / 4 seconds; no answer
within liveness_timeout / 2 ends it with a LivenessError. A silent, polled stream that still
leaves alerts in Falco's queue twice in a row (found by `get`) is starved: Falco accepted the
call but its `sub` slots are full. While starved, `get` delivers the queue at every poll.
"""

import threading
import time
from typing import TYPE_CHECKING, Callable, Iterator, Optional

import grpc

from . import _rpc
from ._buffer import AlertBuffer, StarvedMarker, StreamEnd
from ._gen.falco import outputs_pb2
from .defaults import AFTER_GOAWAY_LIMIT
from .endpoint import Endpoint
from .errors import FalcoError, LivenessError

if TYPE_CHECKING:
    from grpc import _CallIterator

_READY = grpc.ChannelConnectivity.READY.value[0]


class SubStream:
    """A `sub` call, started at once; `buffer` receives its alerts and ends with a StreamEnd."""

    def __init__(
        self,
        channel: grpc.Channel,
        endpoint: Endpoint,
        *,
        poll_interval: float,
        max_buffered_alerts: int,
        liveness_timeout: float,
    ) -> None:
        self.buffer = AlertBuffer()
        self._channel = channel
        self._endpoint = endpoint
        self._poll_interval = poll_interval
        self._max_buffered = max_buffered_alerts
        self._hard_limit = max_buffered_alerts * 4
        self._check_every = liveness_timeout / 4
        self._version_timeout = liveness_timeout / 2
        self._grace = min(max(poll_interval, 0.1), 1.0)
        self._lock = threading.Condition()
        self._done = threading.Event()
        self._closing = False
        self._goaway = threading.Event()
        self._requests_wanted = 0  # polls not yet taken by grpc's request consumer
        self.polls_sent = 0
        self._last_activity = time.monotonic()
        self._last_read = time.monotonic()
        self._over_limit = False
        self._cancelled_after_goaway = False
        self._failure: Optional[FalcoError] = None
        self._was_ready = False
        # Starvation watch
        self._sub_active_at = time.monotonic()
        self._sent_at_activity = 0
        self._finds = 0
        self.starved = False
        self._fetching = False
        self._get: "Optional[_CallIterator[outputs_pb2.response]]" = None

        # The channel's state, read from grpc's core at each poll: the moment it leaves READY
        # (GOAWAY) is seen before the next request goes out. `channel.subscribe` reports it later
        # (a polling thread, tens of ms under load) and its thread may raise when the channel
        # closes: only a grpcio without `check_connectivity_state` falls back to it.
        self._check_state = getattr(getattr(channel, "_channel", None), "check_connectivity_state", None)
        if self._check_state is None:
            channel.subscribe(self._on_state, try_to_connect=False)
        self._call = _rpc.sub_call(channel, self._requests())
        for target, name in (
            (self._read, "reader"),
            (self._poll_loop, "poller"),
            (self._watch, "liveness"),
            (self._starvation_loop, "starvation"),
        ):
            threading.Thread(target=target, daemon=True, name=f"falco-sub-{name}").start()

    # -- requests -----------------------------------------------------------------------
    def _requests(self) -> Iterator[outputs_pb2.request]:
        """The request stream: ends only once the call is over (ending it first would half-close,
        and Falco answers a half-close with nothing)."""
        while True:
            with self._lock:
                while self._requests_wanted == 0 and not self._done.is_set():
                    self._lock.wait()
                if self._done.is_set():
                    return
                self._requests_wanted -= 1
            if not self._ready_now():
                continue  # GOAWAY came: never poll again
            with self._lock:
                self.polls_sent += 1
            yield _rpc.REQUEST

    def _ready_now(self) -> bool:
        """False once the channel left READY (Falco's GOAWAY, or a broken connection); a poll
        sent then would make a stopping Falco pop and discard an alert."""
        if self._check_state is None:
            return not self._goaway.is_set()
        try:
            ready = self._check_state(False) == _READY
        except Exception:  # the channel was closed: the stream is over
            return False
        self._on_state(grpc.ChannelConnectivity.READY if ready else grpc.ChannelConnectivity.IDLE)
        return ready or not self._was_ready

    def poll(self) -> None:
        """Asks Falco to drain its queue once, unless a poll is unsent, the consumer lags, or
        Falco is stopping."""
        with self._lock:
            if self._requests_wanted or self._done.is_set() or self._goaway.is_set():
                return
            if self.buffer.size >= self._max_buffered:
                return
            self._requests_wanted = 1
            self._lock.notify_all()

    def _poll_loop(self) -> None:
        self.poll()
        while not self._done.wait(self._poll_interval):
            self._ready_now()  # a GOAWAY between polls starts the grace period
            self.poll()
            if self.starved:
                self._fetch()

    # -- GOAWAY ---------------------------------------------------------------------------
    def _on_state(self, state: grpc.ChannelConnectivity) -> None:
        if state == grpc.ChannelConnectivity.READY:
            self._was_ready = True
            return
        with self._lock:
            if not self._was_ready or self._goaway.is_set():
                return
            # Falco's GOAWAY (stop, reload), or a broken connection (the call fails anyway).
            self._last_read = time.monotonic()
            self._goaway.set()
        self.buffer.wake()
        threading.Thread(target=self._grace_loop, daemon=True, name="falco-sub-grace").start()

    def _grace_loop(self) -> None:
        while not self._done.is_set():
            with self._lock:
                remaining = self._last_read + self._grace - time.monotonic()
            if remaining <= 0:
                # Silent since the GOAWAY: Falco waits for a request that will not come.
                self._cancelled_after_goaway = True
                self._call.cancel()
                return
            self._done.wait(remaining)

    # -- reading --------------------------------------------------------------------------
    def _limit(self) -> int:
        return self._hard_limit + (AFTER_GOAWAY_LIMIT if self._goaway.is_set() else 0)

    def _read(self) -> None:
        error: Optional[grpc.RpcError] = None
        try:
            for message in self._call:
                now = time.monotonic()
                with self._lock:
                    self._last_activity = self._last_read = now
                self._sub_delivered(now)
                self.buffer.push(message)
                if not self._goaway.is_set():
                    self.poll()  # alerts flow: ask again at once
                if not self.buffer.wait_below(self._limit, self._done) and self._goaway.is_set():
                    self._over_limit = True
        except grpc.RpcError as e:
            error = e
        while self._fetching:  # what a `get` in progress took goes first
            self._done.wait(0.01)
        self.buffer.push(self._end(error))

    def _end(self, error: Optional[grpc.RpcError]) -> StreamEnd:
        if self._failure is not None:
            return StreamEnd(self._failure, True)
        if error is None or self._cancelled_after_goaway:
            # Falco ended the call with OK (its stop or reload): it was draining for our last
            # request, and at its stop check it pops one more alert and discards it (Falco's
            # sub(): the stop flag is read, then try_pop, then the call finishes). At most one
            # alert per stream. Cancelled by us while silent after the GOAWAY: Falco was
            # waiting for a request, and a cancel pops nothing. Or we stopped reading past the
            # limit after the GOAWAY, dropping what Falco still wrote.
            cancelled = self._cancelled_after_goaway
            lost = self._over_limit or not cancelled
            return StreamEnd(None, lost)
        return StreamEnd(_rpc.describe_rpc_error(self._endpoint, error, broken=True), True)

    def taken(self) -> None:
        """The consumer took an alert: poll again at once if it had been holding polls back."""
        if self.buffer.size == self._max_buffered - 1:
            self.poll()

    # -- liveness and starvation ----------------------------------------------------------
    def _watch(self) -> None:
        while not self._done.wait(self._check_every):
            if self._goaway.is_set():
                continue  # the connection takes no new calls: the grace timer ends the stream
            if time.monotonic() - self._last_activity < self._check_every:
                continue
            try:
                _rpc.version_call(self._channel, self._version_timeout)
                with self._lock:
                    self._last_activity = time.monotonic()
            except ValueError:
                return  # the channel was closed: the stream is over
            except grpc.RpcError as cause:
                if self._done.is_set() or self._goaway.is_set():
                    return
                self._failure = LivenessError(
                    f"Falco at {self._endpoint.text} did not answer a liveness check within "
                    f"{self._version_timeout:g} s: it is hung or unreachable; reconnecting"
                )
                self._failure.__cause__ = _rpc.describe_rpc_error(self._endpoint, cause)
                self._call.cancel()
                get = self._get
                if get is not None:
                    get.cancel()  # the reader waits for a `get` in progress before it ends
                return

    def _starvation_loop(self) -> None:
        # Its own thread: a `get` to a hung Falco blocks it, while the liveness check goes on.
        while not self._done.wait(self._check_every):
            if not self._goaway.is_set():
                self._check_starvation()

    def _sub_delivered(self, now: float) -> None:
        self._sub_active_at = now
        self._sent_at_activity = self.polls_sent
        self._finds = 0
        if self.starved:
            self.starved = False
            self.buffer.push(StarvedMarker(False))

    def _check_starvation(self) -> None:
        if self.starved or self._fetching:
            return
        if time.monotonic() - self._sub_active_at < self._check_every:
            return
        if self.polls_sent - self._sent_at_activity < 2:
            return  # not polled: nothing expected
        active_before = self._sub_active_at
        found = self._fetch()
        if found == 0 or self._sub_active_at != active_before:
            return
        self._finds += 1
        if self._finds >= 2:
            self.starved = True
            self.buffer.push(StarvedMarker(True))

    def _fetch(self) -> int:
        """Drains Falco's queue with a `get` into the buffer; how many alerts came."""
        with self._lock:
            if self._fetching or self._done.is_set() or self._goaway.is_set():
                return 0
            if self.buffer.size >= self._max_buffered:
                return 0
            self._fetching = True
        count = 0
        try:
            call = self._get = _rpc.get_call(self._channel)
            if self._done.is_set():
                call.cancel()
            for message in call:
                self.buffer.push(message)
                count += 1
                with self._lock:
                    self._last_activity = time.monotonic()
                self.buffer.wait_below(self._limit, self._done)
        except (grpc.RpcError, ValueError):
            pass  # a failed get (or a closed channel) says nothing about the sub call: the liveness check watches it
        finally:
            with self._lock:
                self._fetching = False
                self._get = None
        return count

    # -- end --------------------------------------------------------------------------------
    def close(self, on_dropped: Callable[[int], None]) -> None:
        """Cancels the call (RST_STREAM: pops nothing), stops the threads and reports the alerts
        received and never delivered. Idempotent."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            get = self._get
        # Cancel before the request stream ends: ending it first would half-close.
        self._call.cancel()
        if get is not None:
            get.cancel()
        with self._lock:
            self._done.set()
            self._lock.notify_all()
        self.buffer.wake()
        if self._check_state is None:
            self._channel.unsubscribe(self._on_state)
        left = self.buffer.clear()
        if left:
            on_dropped(len(left))
