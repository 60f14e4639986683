"""The queue between a stream's threads and the consumer: alerts, status markers, and the end."""

import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable, Deque, List, Optional, Union

from ._gen.falco import outputs_pb2
from .errors import FalcoError


@dataclass(frozen=True)
class StarvedMarker:
    """The `sub` call is not served (starved=True), or is served again (False)."""

    starved: bool


@dataclass(frozen=True)
class StreamEnd:
    """How the stream ended: `error` None when Falco ended it with OK (its stop or reload)."""

    error: Optional[FalcoError]
    alerts_may_have_been_lost: bool


Item = Union[outputs_pb2.response, StarvedMarker, StreamEnd]


class AlertBuffer:
    """A queue of items; `size` counts the alerts in it. One StreamEnd ends it; later pushes
    are ignored. Producers wait (`wait_below`) instead of growing it without bound."""

    def __init__(self) -> None:
        self._items: Deque[Item] = deque()
        self._changed = threading.Condition()
        self._ended = False
        self.size = 0

    @property
    def ended(self) -> bool:
        return self._ended

    def push(self, item: Item) -> None:
        with self._changed:
            if self._ended:
                return
            self._items.append(item)
            if isinstance(item, outputs_pb2.response):
                self.size += 1
            elif isinstance(item, StreamEnd):
                self._ended = True
            self._changed.notify_all()

    def shift(self) -> Item:
        """The next item, waiting for one; a StreamEnd once the buffer was cleared."""
        with self._changed:
            while not self._items:
                if self._ended:
                    return StreamEnd(None, False)  # cleared by close(): nothing more comes
                self._changed.wait()
            item = self._items.popleft()
            if isinstance(item, outputs_pb2.response):
                self.size -= 1
            self._changed.notify_all()
            return item

    def wait_below(self, limit: Callable[[], int], stop: threading.Event) -> bool:
        """Waits until fewer than `limit()` alerts are queued; False if it had to wait. The
        limit is asked again at each wake-up: it grows at Falco's GOAWAY (`wake`)."""
        waited = False
        with self._changed:
            while self.size >= limit() and not self._ended and not stop.is_set():
                waited = True
                self._changed.wait(0.5)
        return not waited

    def wake(self) -> None:
        """Wakes producers waiting in `wait_below` (their stop event was set, or their limit
        changed)."""
        with self._changed:
            self._changed.notify_all()

    def clear(self) -> List[outputs_pb2.response]:
        """Ends the buffer and returns the alerts it still held (never delivered)."""
        with self._changed:
            left = [item for item in self._items if isinstance(item, outputs_pb2.response)]
            self._items.clear()
            self.size = 0
            self._ended = True
            self._changed.notify_all()
            return left
