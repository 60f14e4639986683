"""falco_sdk.aio against the test servers: the same behaviour behind async iterators."""

import asyncio

import pytest

from falco_sdk import Backoff
from falco_sdk.aio import FalcoClient


def client(falco, **options):
    options.setdefault("reconnect", Backoff(initial_delay=0.05, max_delay=0.5))
    return FalcoClient(falco.endpoint, tls=falco.tls(), **options)


def test_version_get_and_subscribe(falco):
    async def main():
        async with client(falco) as aio:
            answer = await aio.version()
            queued = falco.emit(3)
            got = [alert.to_json() async for alert in aio.get()]
            status = aio.status()
            async with aio.subscribe() as alerts:
                first = falco.emit(2)
                streamed = [(await alerts.__anext__()).to_json() for _ in range(2)]
        names = [event.type async for event in status]
        return answer, queued, got, first, streamed, names

    answer, queued, got, first, streamed, names = asyncio.run(main())
    assert answer.version == "0.43.1"
    assert got == queued
    assert streamed == first
    assert names == ["connecting", "connected", "closed"]


def test_a_cancelled_wait_loses_no_alert(falco):
    async def main():
        async with client(falco) as aio, aio.subscribe() as alerts:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(alerts.__anext__(), 0.2)  # nothing queued yet
            expected = falco.emit(1)
            return expected, (await alerts.__anext__()).to_json()

    expected, got = asyncio.run(main())
    assert got == expected[0]


def test_on_status_runs_on_the_event_loop(falco):
    async def main():
        loop = asyncio.get_running_loop()
        seen = []
        async with client(falco, on_status=lambda e: seen.append((e.type, asyncio.get_running_loop() is loop))) as aio:
            async with aio.subscribe() as alerts:
                falco.emit(1)
                await alerts.__anext__()
        await asyncio.sleep(0)  # callbacks scheduled with call_soon_threadsafe run
        return seen

    seen = asyncio.run(main())
    assert seen[:2] == [("connecting", True), ("connected", True)]


def test_outside_an_event_loop_is_a_configuration_error():
    from falco_sdk import ConfigurationError

    with pytest.raises(ConfigurationError, match="inside a coroutine"):
        FalcoClient("unix:///nonexistent/falco.sock")
