"""FalcoClient against the Node and C-core test servers, over a unix socket and mutual TLS."""

import time
import pytest

from falco_sdk import FalcoClient, FalcoUnavailableError


def test_version(falco):
    with falco.client() as client:
        answer = client.version()
    assert (answer.major, answer.minor, answer.version) == (0, 43, "0.43.1")


def test_get_drains_the_queue_as_falco_json(falco):
    expected = falco.emit(5)
    with falco.client() as client:
        assert [a.to_json() for a in client.get()] == expected
        assert list(client.get()) == []  # drained: each alert goes to one consumer


def test_subscribe_polls_and_delivers_in_order(falco):
    before = falco.emit(3)
    with falco.client() as client, client.subscribe() as alerts:
        got = [next(alerts).to_json() for _ in range(3)]
        falco.send("waitSubscribers", n=1)
        after = falco.emit(4)  # only reach us if we keep polling
        got += [next(alerts).to_json() for _ in range(4)]
        assert alerts.status.received == 7
    assert got == before + after


def test_subscribe_reconnects_across_a_restart(falco):
    with falco.client() as client, client.subscribe() as alerts:
        first = falco.emit(2)
        assert [next(alerts).to_json() for _ in range(2)] == first
        falco.send("reload")  # Falco's stop ends our polling stream with OK, then it listens again
        second = falco.emit(3)
        assert [next(alerts).to_json() for _ in range(3)] == second
        assert alerts.status.falco_stops == 1
        assert alerts.status.reconnects >= 1
        # The server counts an alert as delivered once its write completes;
        # cancelling before that would count the last one as dropped.
        for _ in range(500):
            stats = falco.send("stats")
            if stats["delivered"] == 5:
                break
            time.sleep(0.01)
        assert stats["dropped"] == 0


def test_subscribe_survives_a_crash_and_counts_the_interruption(falco):
    with falco.client() as client, client.subscribe() as alerts:
        falco.emit(1)
        next(alerts)
        falco.send("crash")
        falco.send("restart")
        later = falco.emit(2)
        assert [next(alerts).to_json() for _ in range(2)] == later
        assert alerts.status.interruptions == 1


def test_close_cancels_the_call_so_falco_can_stop(falco):
    client = falco.client()
    alerts = client.subscribe()
    falco.emit(1)
    next(alerts)
    falco.send("waitSubscribers", n=1)
    alerts.close()
    client.close()
    falco.send("stop")  # would time out (and fail) with a subscriber left open
    assert falco.send("stats")["subscribers"] == 0


def test_rogue_client_certificate_is_refused(falco):
    if not falco.pki:
        pytest.skip("unix sockets have no TLS")
    client = FalcoClient(falco.endpoint, tls=falco.tls(rogue=True))
    with pytest.raises(FalcoUnavailableError, match=falco.endpoint):
        client.version()
