"""The asyncio client: `falco_sdk.FalcoClient`'s behaviour (polling, GOAWAY, liveness, starvation,
reconnection, status events) behind `async` methods and async iterators.

    from falco_sdk.aio import FalcoClient

    async with FalcoClient() as falco:
        async for alert in falco.subscribe():
            print(alert.json_line())

Each subscription and `get` runs the sync client's engine on one thread of its own; alerts and
status events are handed to the event loop. Create the client inside a running event loop.
"""

import asyncio
import concurrent.futures
from typing import AsyncIterator, Callable, Iterator, Optional, TypeVar, Union

from . import client as _sync
from ._gen.falco import version_pb2
from .alert import Alert
from .backoff import Backoff
from .errors import ConfigurationError
from .defaults import LIVENESS_TIMEOUT, MAX_BUFFERED_ALERTS, POLL_INTERVAL
from .status import STATUS_QUEUE_LIMIT, Closed, StatusEvent
from .subscription import Subscription as _SyncSubscription
from .tls import TLS

T = TypeVar("T")


class _End:
    pass


_END = _End()


def _next_or_end(iterator: Iterator[T]) -> Union[T, _End]:
    try:
        return next(iterator)
    except StopIteration:
        return _END


class _ThreadedIterator(AsyncIterator[T]):
    """An async iterator over a blocking iterator, advanced on one thread of its own. A cancelled
    `__anext__` leaves its step running: the next `__anext__` takes its result, so nothing the
    blocking iterator handed over is lost to a cancellation (asyncio.wait_for, a timeout)."""

    def __init__(self, iterator: Iterator[T], close: Callable[[], None], name: str) -> None:
        self._iterator = iterator
        self._close = close
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._step: "Optional[asyncio.Future[Union[T, _End]]]" = None
        self._ended = False

    def __aiter__(self) -> "_ThreadedIterator[T]":
        return self

    async def __anext__(self) -> T:
        if self._ended:
            raise StopAsyncIteration
        if self._step is None:
            loop = asyncio.get_running_loop()
            self._step = loop.run_in_executor(self._executor, _next_or_end, self._iterator)
        step = self._step
        try:
            item = await asyncio.shield(step)
        except asyncio.CancelledError:
            raise  # the step goes on; the next __anext__ awaits it
        except BaseException:
            self._step = None
            await self.aclose()
            raise
        self._step = None
        if isinstance(item, _End):
            await self.aclose()
            raise StopAsyncIteration
        return item

    async def aclose(self) -> None:
        """Ends the iteration (cancels the call) and releases its thread."""
        if self._ended:
            return
        self._ended = True
        self._close()
        self._executor.shutdown(wait=False)


class Subscription(_ThreadedIterator[Alert]):
    """Alerts from Falco's `sub` as an async iterator; `async with`, `aclose()`. See
    falco_sdk.Subscription for what it does."""

    def __init__(self, subscription: _SyncSubscription) -> None:
        super().__init__(subscription, subscription.close, "falco-aio-sub")
        self._subscription = subscription

    @property
    def pending(self) -> int:
        """Alerts received from Falco and not yet handed over; `aclose()` drops them (`dropped`)."""
        return self._subscription.pending

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()


class StatusStream(AsyncIterator[StatusEvent]):
    """Connection events as an async iterator; ends after `closed`. A reader lagging more than
    STATUS_QUEUE_LIMIT events loses the oldest (counted in `skipped`)."""

    def __init__(self) -> None:
        self._queue: "asyncio.Queue[StatusEvent]" = asyncio.Queue()
        self._ended = False
        self.skipped = 0

    def _put(self, event: StatusEvent) -> None:  # on the event loop
        while self._queue.qsize() >= STATUS_QUEUE_LIMIT:
            self._queue.get_nowait()
            self.skipped += 1
        self._queue.put_nowait(event)

    def __aiter__(self) -> "StatusStream":
        return self

    async def __anext__(self) -> StatusEvent:
        if self._ended:
            raise StopAsyncIteration
        event = await self._queue.get()
        if isinstance(event, Closed):
            self._ended = True
        return event


class FalcoClient:
    """The asyncio FalcoClient; the options of falco_sdk.FalcoClient (every duration in seconds).
    `on_status` is called on the event loop."""

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
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            raise ConfigurationError(
                "create falco_sdk.aio.FalcoClient inside a coroutine (under asyncio.run()), or use "
                "falco_sdk.FalcoClient without asyncio"
            ) from None
        self._client = _sync.FalcoClient(
            endpoint,
            tls=tls,
            reconnect=reconnect,
            wait_for_server=wait_for_server,
            liveness_timeout=liveness_timeout,
        )
        self.endpoint = self._client.endpoint
        if on_status is not None:
            callback = on_status

            def on_loop(event: StatusEvent) -> None:
                self._loop.call_soon_threadsafe(callback, event)

            self._client._status.listen(on_loop)

    async def version(self) -> version_pb2.response:
        """Falco's version answer (falco.version.response)."""
        return await self._loop.run_in_executor(None, self._client.version)

    def get(self) -> AsyncIterator[Alert]:
        """The alerts queued in Falco now, streamed; ends when Falco's queue is drained."""
        alerts = self._client.get()
        return _ThreadedIterator(alerts, alerts.close, "falco-aio-get")

    def subscribe(
        self, *, poll_interval: float = POLL_INTERVAL, max_buffered_alerts: int = MAX_BUFFERED_ALERTS
    ) -> Subscription:
        """Every alert from now on, polling and reconnecting (see falco_sdk.FalcoClient.subscribe)."""
        return Subscription(self._client.subscribe(poll_interval=poll_interval, max_buffered_alerts=max_buffered_alerts))

    def status(self) -> StatusStream:
        """Connection events from now on, until `close()`."""
        stream = StatusStream()
        feed = self._client._status

        def deliver(event: StatusEvent) -> None:
            self._loop.call_soon_threadsafe(stream._put, event)
            if isinstance(event, Closed):
                feed.unlisten(deliver)

        feed.listen(deliver)
        return stream

    async def close(self) -> None:
        """Ends every subscription and call and publishes `closed`."""
        self._client.close()

    async def __aenter__(self) -> "FalcoClient":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()
