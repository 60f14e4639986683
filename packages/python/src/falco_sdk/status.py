"""Connection events of a FalcoClient: the names and fields of TypeScript's `ClientStatus`.

`str(event)` is one line: the event name, then `field=value` pairs with the TypeScript field
names (`disconnected alertsMayHaveBeenLost=true error="..."`), the same in every language.
"""

import json
import logging
import queue
import threading
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterator, List, Optional, Union

from .errors import FalcoError, SubscriptionStarvedError

_log = logging.getLogger("falco_sdk")


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return json.dumps(str(value), ensure_ascii=False)


@dataclass(frozen=True)
class Connecting:
    """Opening a connection (first time or after a failure)."""

    type: ClassVar[str] = "connecting"
    endpoint: str

    def __str__(self) -> str:
        return f"connecting endpoint={self.endpoint}"


@dataclass(frozen=True)
class Connected:
    """Falco answered: alerts flow (also after `starved`, once the stream is served)."""

    type: ClassVar[str] = "connected"
    endpoint: str

    def __str__(self) -> str:
        return f"connected endpoint={self.endpoint}"


@dataclass(frozen=True)
class Disconnected:
    """The connection failed or ended. `alerts_may_have_been_lost` is true when the alert stream
    was open: Falco removes an alert from its queue before writing it, so what was in flight is
    gone (and when Falco's stop or reload took one for a poll)."""

    type: ClassVar[str] = "disconnected"
    error: FalcoError
    alerts_may_have_been_lost: bool

    def __str__(self) -> str:
        lost = _value(self.alerts_may_have_been_lost)
        return f"disconnected alertsMayHaveBeenLost={lost} error={_value(self.error)}"


@dataclass(frozen=True)
class Reconnecting:
    """Waiting `delay` seconds before reconnection attempt `attempt` (1-based)."""

    type: ClassVar[str] = "reconnecting"
    attempt: int
    delay: float
    error: FalcoError

    def __str__(self) -> str:
        return f"reconnecting attempt={self.attempt} delay={self.delay:.3f} error={_value(self.error)}"


@dataclass(frozen=True)
class Starved:
    """Falco accepted the alert stream but does not serve it (its `sub` slots are full). The
    subscription fetches the queued alerts with `get` meanwhile; `connected` follows once the
    stream is served."""

    type: ClassVar[str] = "starved"
    error: SubscriptionStarvedError

    def __str__(self) -> str:
        return f"starved error={_value(self.error)}"


@dataclass(frozen=True)
class Dropped:
    """Alerts Falco had handed over were never delivered: `count` were still buffered when the
    subscription ended (`close()`, leaving `with`, `break`); `total` for this client so far."""

    type: ClassVar[str] = "dropped"
    count: int
    total: int

    def __str__(self) -> str:
        return f"dropped count={self.count} total={self.total}"


@dataclass(frozen=True)
class Closed:
    """`close()` was called; status iterators end after this event."""

    type: ClassVar[str] = "closed"

    def __str__(self) -> str:
        return "closed"


StatusEvent = Union[Connecting, Connected, Disconnected, Reconnecting, Starved, Dropped, Closed]
"""One connection event; `event.type` is its name."""

STATUS_QUEUE_LIMIT = 1000
"""Events a `status()` iterator holds for a reader that lags; past it the oldest are dropped."""


class StatusFeed:
    """The events of one `status()` call, from then until `close()` of the client. A reader that
    lags more than STATUS_QUEUE_LIMIT events loses the oldest (counted in `skipped`)."""

    def __init__(self) -> None:
        self._queue: "queue.Queue[Optional[StatusEvent]]" = queue.Queue()
        self._lock = threading.Lock()
        self.skipped = 0

    def _put(self, event: Optional[StatusEvent]) -> None:
        with self._lock:
            while self._queue.qsize() >= STATUS_QUEUE_LIMIT:
                self._queue.get_nowait()
                self.skipped += 1
            self._queue.put(event)

    def __iter__(self) -> Iterator[StatusEvent]:
        return self

    def __next__(self) -> StatusEvent:
        event = self._queue.get()
        if event is None:
            self._queue.put(None)  # stays ended
            raise StopIteration
        return event


class StatusHub:
    """Delivers each event to the callbacks and feeds, in the thread that publishes it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: List[Callable[[StatusEvent], None]] = []
        self._feeds: List[StatusFeed] = []
        self._closed = False

    def listen(self, listener: Callable[[StatusEvent], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unlisten(self, listener: Callable[[StatusEvent], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def feed(self) -> StatusFeed:
        feed = StatusFeed()
        with self._lock:
            if self._closed:
                feed._put(None)
            else:
                self._feeds.append(feed)
        return feed

    def publish(self, event: StatusEvent) -> None:
        with self._lock:
            if self._closed:
                return
            listeners = list(self._listeners)
            feeds = list(self._feeds)
            if isinstance(event, Closed):
                self._closed = True
                self._feeds = []
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a failing callback must not end the subscription
                _log.exception("falco_sdk: the on_status callback failed on %s", event)
        for feed in feeds:
            feed._put(event)
            if isinstance(event, Closed):
                feed._put(None)
